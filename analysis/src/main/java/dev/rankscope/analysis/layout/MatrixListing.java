package dev.rankscope.analysis.layout;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.config.ModelConfig;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MatrixSelection;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The matrices of a checkpoint as researchers think of them (SPEC §7): what
 * {@link MatrixExtractor} finds by shape, with three corrections that need names and model facts.
 * <ol>
 *   <li><b>GPT-2 Conv1D orientation.</b> GPT-2 stores {@code attn.c_attn}, {@code attn.c_proj},
 *       {@code mlp.c_fc}, {@code mlp.c_proj} (and the cross-attention {@code q_attn}) as
 *       (in, out) ({@code transformers.pytorch_utils.Conv1D}); they are listed transposed
 *       ({@link MatrixRef#transposed()}) so shapes read (out, in). Applied when the config's
 *       {@code model_type} is {@code gpt2}, or, without a model type, when a
 *       {@code h.N.attn.c_attn.weight} is stored as (d, 3·d) — Qwen-1 and GPT-BigCode use the
 *       same names with (out, in) {@code nn.Linear} weights and have their own model types.
 *       Spectra do not change under transposition; shapes and parameter counts read as (out, in).</li>
 *   <li><b>Fused QKV split.</b> A 2-D matrix whose name parses as {@link ModuleType#QKV} is listed
 *       whole and, when the head counts are known and the model's {@link QkvLayout} is known,
 *       followed by its parts {@code <id>#q}, {@code #k}, {@code #v}: row selections of the
 *       (out, in) matrix with H·d, K·d and K·d rows. Otherwise a note says why it stays whole.</li>
 *   <li><b>Per-head views</b> (on request): each Q/K/V matrix (separate or a split part) is
 *       followed by its head blocks {@code <id>#headN} (d consecutive rows of the part, heads
 *       H for q and K for k/v), and each O matrix by column blocks of d columns (H heads).
 *       Matrices whose size does not match the head counts (DeepSeek's low-rank q_a_proj, …)
 *       get no views.</li>
 *   <li><b>Conv kernels</b> (out, in, kh, kw) with kh·kw ≥ 2 are listed reshaped (out, in·kh·kw)
 *       or, with {@link ConvMode#POOLED}, as one pooled ref of kh·kw out × in slices
 *       ({@link MatrixRef#pooledConv}; 1×1 kernels too, one slice, as WeightWatcher pools every
 *       conv2d); same id either way.</li>
 * </ol>
 * Pure function of its inputs; the result is immutable.
 *
 * @param matrices the matrices in checkpoint order, parts right after the matrix they come from
 * @param notes    one line per reason something could not be done (for stderr or a status bar)
 * @param config   the model facts used
 */
public record MatrixListing(List<MatrixRef> matrices, List<String> notes, ModelConfig config) {

    private static final Pattern GPT2_CONV1D = Pattern.compile(
            "(?:^|\\.)h\\.\\d+\\.(?:attn\\.c_attn|attn\\.c_proj|mlp\\.c_fc|mlp\\.c_proj"
                    + "|crossattention\\.c_attn|crossattention\\.q_attn|crossattention\\.c_proj)\\.weight$");
    private static final Pattern GPT2_C_ATTN = Pattern.compile("(?:^|\\.)h\\.\\d+\\.attn\\.c_attn\\.weight$");
    private static final String HEAD = "head";

    public MatrixListing {
        matrices = List.copyOf(matrices);
        notes = List.copyOf(notes);
    }

    /** The listing of an opened checkpoint with its own model facts ({@link ModelConfig#of}). */
    public static MatrixListing of(TensorSource source, boolean perHead) {
        return of(source, perHead, ConvMode.RESHAPE);
    }

    /** The listing of an opened checkpoint with its own model facts and a conv mode. */
    public static MatrixListing of(TensorSource source, boolean perHead, ConvMode conv) {
        ModelConfig config = ModelConfig.of(source);
        return of(source.tensors(), config, source.metadata().containsKey("general.architecture"), perHead, conv);
    }

    /**
     * @param tensors tensors of the checkpoint in file order
     * @param config  model facts ({@link ModelConfig#none} when unknown)
     * @param gguf    true when the tensors come from a GGUF file (fused QKV is contiguous there)
     * @param perHead add per-head views of attention matrices
     */
    public static MatrixListing of(List<TensorInfo> tensors, ModelConfig config, boolean gguf, boolean perHead) {
        return of(tensors, config, gguf, perHead, ConvMode.RESHAPE);
    }

    /** As {@link #of(List, ModelConfig, boolean, boolean)}, listing conv kernels as {@code conv} says. */
    public static MatrixListing of(List<TensorInfo> tensors, ModelConfig config, boolean gguf, boolean perHead,
                                   ConvMode conv) {
        Map<String, TensorInfo> kernels = new LinkedHashMap<>();
        for (TensorInfo t : tensors) {
            // pooled: every 4-D kernel, 1×1 included, as WeightWatcher treats each as conv2d (its conv2d_norm too)
            if (t.rank() == 4 && (t.dim(2) * t.dim(3) >= 2 || conv == ConvMode.POOLED)) {
                kernels.put(t.name(), t);
            }
        }
        boolean conv1d = isGpt2Conv1D(tensors, config);
        Map<String, Integer> reasons = new LinkedHashMap<>();
        List<MatrixRef> out = new ArrayList<>();
        boolean heads = config.hasHeadCounts();
        if (perHead && !heads) {
            reasons.put("per-head views need attention head counts (" + headNote(config) + ")", 1);
        }
        for (MatrixRef found : MatrixExtractor.matrices(tensors)) {
            MatrixRef ref = found;
            TensorInfo kernel = kernels.get(ref.tensor());
            if (conv == ConvMode.POOLED && kernel != null && ref.slice() < 0) {
                int k = (int) (kernel.dim(2) * kernel.dim(3));
                ref = MatrixRef.pooledConv(ref.tensor(), (int) kernel.dim(0), (int) kernel.dim(1), k);
            }
            if (conv1d && ref.slice() < 0 && GPT2_CONV1D.matcher(ref.tensor()).find()) {
                ref = new MatrixRef(ref.id(), ref.tensor(), -1, ref.cols(), ref.rows(), true);
            }
            out.add(ref);
            ModuleType type = NameParser.parse(ref.id()).module();
            if (type == ModuleType.QKV && ref.slice() < 0) {
                List<MatrixRef> parts = split(ref, config, gguf, reasons);
                out.addAll(parts);
                if (perHead && heads) {
                    for (MatrixRef p : parts) {
                        out.addAll(headRows(p, p.id().endsWith("#q") ? config.heads() : config.kvHeads(), config.headDim()));
                    }
                }
            } else if (perHead && heads && ref.slice() < 0) {
                switch (type) {
                    case Q -> out.addAll(headRows(ref, config.heads(), config.headDim()));
                    case K, V -> out.addAll(headRows(ref, config.kvHeads(), config.headDim()));
                    case O -> out.addAll(headCols(ref, config.heads(), config.headDim()));
                    default -> {
                    }
                }
            }
        }
        List<String> notes = new ArrayList<>();
        reasons.forEach((reason, count) -> notes.add(count > 1 ? reason + " (" + count + " matrices)" : reason));
        return new MatrixListing(out, notes, config);
    }

    /** True when GPT-2 Conv1D weights are to be listed transposed (see class doc). */
    static boolean isGpt2Conv1D(List<TensorInfo> tensors, ModelConfig config) {
        if (!config.modelType().isEmpty()) {
            return config.modelType().equals("gpt2");
        }
        for (TensorInfo t : tensors) {
            if (t.rank() == 2 && GPT2_C_ATTN.matcher(t.name()).find() && t.dim(1) == 3 * t.dim(0)) {
                return true;
            }
        }
        return false;
    }

    private static List<MatrixRef> split(MatrixRef fused, ModelConfig config, boolean gguf, Map<String, Integer> reasons) {
        if (!config.hasHeadCounts()) {
            reasons.merge("fused QKV listed whole: splitting into q/k/v needs head counts (" + headNote(config) + ")",
                    1, Integer::sum);
            return List.of();
        }
        Optional<QkvLayout> layout = QkvLayout.of(config, gguf);
        if (layout.isEmpty()) {
            reasons.merge("fused QKV listed whole: the q/k/v row layout of model type '" + config.modelType()
                    + "' is not known", 1, Integer::sum);
            return List.of();
        }
        int h = config.heads();
        int kv = config.kvHeads();
        int d = config.headDim();
        if (fused.rows() != QkvLayout.fusedRows(h, kv, d)) {
            reasons.merge("fused QKV listed whole: " + fused.rows() + " rows ≠ (" + h + " + 2·" + kv + ")·" + d
                    + " from the head counts", 1, Integer::sum);
            return List.of();
        }
        if (layout.get() == QkvLayout.PER_HEAD && kv != h) {
            reasons.merge("fused QKV listed whole: a per-head interleaved layout needs as many key/value heads as heads",
                    1, Integer::sum);
            return List.of();
        }
        List<MatrixRef> parts = new ArrayList<>(3);
        for (QkvLayout.Part p : QkvLayout.Part.values()) {
            parts.add(fused.part(fused.id() + NameParser.PART + p.suffix(),
                    layout.get().select(p, fused.baseRows(), fused.baseCols(), h, kv, d)));
        }
        return parts;
    }

    /** Row blocks of {@code headDim} rows: head views of a q/k/v matrix or part. */
    private static List<MatrixRef> headRows(MatrixRef ref, int heads, int headDim) {
        if (ref.rows() != heads * headDim) {
            return List.of();
        }
        List<MatrixRef> out = new ArrayList<>(heads);
        for (int h = 0; h < heads; h++) {
            int[] rows = new int[headDim];
            for (int t = 0; t < headDim; t++) {
                rows[t] = ref.isPart() ? ref.selection().rowIndex(h * headDim + t) : h * headDim + t;
            }
            int[] cols = ref.isPart() ? ref.selection().cols() : null;
            out.add(ref.part(ref.id() + NameParser.PART + HEAD + h,
                    new MatrixSelection(ref.baseRows(), ref.baseCols(), rows, cols)));
        }
        return out;
    }

    /** Column blocks of {@code headDim} columns: head views of an output projection (its input is the concatenated heads). */
    private static List<MatrixRef> headCols(MatrixRef ref, int heads, int headDim) {
        if (ref.isPart() || ref.cols() != heads * headDim) {
            return List.of();
        }
        List<MatrixRef> out = new ArrayList<>(heads);
        for (int h = 0; h < heads; h++) {
            out.add(ref.part(ref.id() + NameParser.PART + HEAD + h,
                    MatrixSelection.colBlock(ref.rows(), ref.cols(), h * headDim, headDim)));
        }
        return out;
    }

    private static String headNote(ModelConfig config) {
        return config.note().isEmpty() ? "config has no head counts" : config.note();
    }
}
