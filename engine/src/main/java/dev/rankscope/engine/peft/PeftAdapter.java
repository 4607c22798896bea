package dev.rankscope.engine.peft;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEFT LoRA adapter folder (SPEC §6 "PEFT adapter"): {@code adapter_config.json} plus
 * {@code adapter_model.safetensors} (or {@code adapter_model.bin}, read through {@link Checkpoints}
 * when that format is registered). Each adapted module contributes
 * {@code ΔW = scaling · B · A} with {@code A} (r×n, {@code lora_A}) and {@code B} (m×r, {@code lora_B}).
 *
 * <p>Key variants accepted, all seen in real files: {@code base_model.model.<module>.lora_A.weight}
 * (PEFT's saved form), {@code <module>.lora_A.default.weight} (a raw state dict, with an adapter
 * name segment), no {@code base_model.model.} prefix, and embedding LoRA
 * {@code <module>.lora_embedding_A} (r×num_embeddings) / {@code lora_embedding_B} (dim×r) whose
 * update is {@code scaling · (B·A)ᵀ} (PEFT's {@code Embedding.get_delta_weight}), and conv LoRA
 * (A (r, in, kh, kw), B (out, r, 1, 1); ΔW = B·A reshaped to the kernel). Other non-LoRA
 * tensors ({@code modules_to_save} copies, trained biases) are offered as whole-tensor
 * replacements ({@link #replacements()}); DoRA magnitude vectors are refused.
 *
 * <p>Immutable after {@link #open}; {@link #delta} reads the two factors on each call and is
 * thread-safe when the underlying source is. Owns its weight source: {@link #close()} closes it.
 */
public final class PeftAdapter implements AutoCloseable {

    /** PEFT's prefix for keys saved from a {@code PeftModel}. */
    public static final String PREFIX = "base_model.model.";

    private static final Pattern LINEAR = Pattern.compile("^(.+)\\.lora_([AB])(?:\\.([^.]+))?\\.weight$");
    private static final Pattern EMBEDDING = Pattern.compile("^(.+)\\.lora_embedding_([AB])(?:\\.([^.]+))?$");
    private static final Pattern MODULES_TO_SAVE = Pattern.compile("\\.modules_to_save\\.[^.]+\\.");

    /**
     * One adapted module.
     *
     * @param module      module name without prefix or {@code .weight} (e.g. {@code model.layers.0.self_attn.q_proj})
     * @param loraA       adapter tensor holding A (r×n; r×num_embeddings for embeddings)
     * @param loraB       adapter tensor holding B (m×r; dim×r for embeddings)
     * @param embedding   embedding LoRA: ΔW = s·(B·A)ᵀ
     * @param rank        r of this module (rows of A)
     * @param scaling     alpha/r or alpha/√r with rank/alpha patterns applied
     * @param deltaRows   rows of ΔW in the base tensor's stored layout
     * @param deltaCols   columns of ΔW in the base tensor's stored layout (in·k… for a conv kernel)
     * @param kernel      conv kernel dimensions (A's dimensions after the second), empty for Linear/Embedding
     */
    public record LoraModule(String module, String loraA, String loraB, boolean embedding, int rank,
                             double scaling, int deltaRows, int deltaCols, List<Long> kernel) {
        public LoraModule {
            kernel = List.copyOf(kernel);
        }

        /** The shape the base tensor must have: (rows, cols), or (out, in, k…) for a conv kernel. */
        public long[] weightShape() {
            if (kernel.isEmpty()) {
                return new long[] {deltaRows, deltaCols};
            }
            long k = 1;
            for (long d : kernel) {
                k *= d;
            }
            long[] shape = new long[2 + kernel.size()];
            shape[0] = deltaRows;
            shape[1] = deltaCols / k;
            for (int i = 0; i < kernel.size(); i++) {
                shape[2 + i] = kernel.get(i);
            }
            return shape;
        }

        /** The base weight this module updates, before any suffix resolution. */
        public String weightName() {
            return module + ".weight";
        }

        /** The expected base weight shape as {@code rows×cols} (or {@code out×in×kh×kw}). */
        public String shapeString() {
            StringBuilder sb = new StringBuilder();
            for (long d : weightShape()) {
                sb.append(sb.length() == 0 ? "" : "×").append(d);
            }
            return sb.toString();
        }
    }

    private final Path dir;
    private final PeftAdapterConfig config;
    private final TensorSource weights;
    private final Map<String, LoraModule> modules;
    private final Map<String, String> replacements;
    private final List<String> notes;

    private PeftAdapter(Path dir, PeftAdapterConfig config, TensorSource weights) {
        this.dir = dir;
        this.config = config;
        this.weights = weights;
        Map<String, String[]> pairs = new LinkedHashMap<>();
        Map<String, Boolean> embeddingFlags = new LinkedHashMap<>();
        Map<String, String> replace = new LinkedHashMap<>();
        List<String> noteList = new ArrayList<>();
        for (TensorInfo t : weights.tensors()) {
            String key = t.name().startsWith(PREFIX) ? t.name().substring(PREFIX.length()) : t.name();
            Matcher lin = LINEAR.matcher(key);
            Matcher emb = EMBEDDING.matcher(key);
            boolean isEmb = false;
            Matcher m = null;
            if (lin.matches()) {
                m = lin;
            } else if (emb.matches()) {
                m = emb;
                isEmb = true;
            }
            if (m != null) {
                String module = m.group(1);
                int side = m.group(2).equals("A") ? 0 : 1;
                String[] pair = pairs.computeIfAbsent(module, k -> new String[2]);
                if (pair[side] != null) {
                    throw new CheckpointFormatException(weights.path(), Category.UNSUPPORTED, "module '" + module
                            + "' has two lora_" + m.group(2) + " tensors (several adapters in one file are not supported)");
                }
                pair[side] = t.name();
                Boolean prev = embeddingFlags.put(module, isEmb);
                if (prev != null && prev != isEmb) {
                    throw new CheckpointFormatException(weights.path(), Category.MALFORMED_HEADER,
                            "module '" + module + "' mixes lora_A/B and lora_embedding_A/B tensors");
                }
            } else if (key.contains("lora_magnitude_vector")) {
                throw new CheckpointFormatException(weights.path(), Category.UNSUPPORTED,
                        "holds DoRA magnitude vectors ('" + t.name() + "'); only plain LoRA adapters can be merged");
            } else if (key.contains(".lora_")) {
                noteList.add("skipped LoRA tensor of an unsupported kind: " + t.name());
            } else {
                String target = MODULES_TO_SAVE.matcher(key).replaceFirst(".");
                replace.put(target, t.name());
            }
        }
        Map<String, LoraModule> mods = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> e : pairs.entrySet()) {
            mods.put(e.getKey(), describe(e.getKey(), e.getValue(), embeddingFlags.get(e.getKey())));
        }
        if (mods.isEmpty()) {
            throw new CheckpointFormatException(weights.path(), Category.MALFORMED_HEADER,
                    "holds no LoRA tensors (expected keys like base_model.model.<module>.lora_A.weight)");
        }
        this.modules = java.util.Collections.unmodifiableMap(mods);
        this.replacements = java.util.Collections.unmodifiableMap(replace);
        this.notes = List.copyOf(noteList);
    }

    /**
     * Opens an adapter folder (or a file inside one, or an {@code hf:org/name[@revision]} reference to a
     * cached adapter snapshot). Prefers {@code adapter_model.safetensors},
     * then {@code adapter_model.bin}; the weights are opened with {@link Checkpoints#open}.
     *
     * @throws CheckpointFormatException naming the file when the config or weights are missing,
     *                                   malformed or inconsistent (rank, shapes, unpaired A/B)
     */
    public static PeftAdapter open(Path path) {
        return open(path, Checkpoints.standard());
    }

    /** {@link #open(Path)} with an explicit format registry. */
    public static PeftAdapter open(Path path, Checkpoints checkpoints) {
        path = dev.rankscope.engine.hub.HuggingFaceCache.resolveIfReference(path);
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new CheckpointFormatException(path, Category.IO, "adapter folder not found");
        }
        Path configFile = dir.resolve(PeftAdapterConfig.FILE_NAME);
        if (!Files.isRegularFile(configFile)) {
            throw new CheckpointFormatException(dir, Category.IO,
                    "is not a PEFT adapter folder (no " + PeftAdapterConfig.FILE_NAME + ")");
        }
        PeftAdapterConfig config = PeftAdapterConfig.read(configFile);
        Path weightsFile = null;
        for (String candidate : List.of("adapter_model.safetensors", "adapter_model.bin")) {
            if (Files.isRegularFile(dir.resolve(candidate))) {
                weightsFile = dir.resolve(candidate);
                break;
            }
        }
        if (weightsFile == null) {
            throw new CheckpointFormatException(dir, Category.IO,
                    "has no adapter_model.safetensors or adapter_model.bin next to its " + PeftAdapterConfig.FILE_NAME);
        }
        TensorSource source = checkpoints.openPath(weightsFile);
        try {
            return new PeftAdapter(dir, config, source);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    /**
     * An adapter over an already opened weight source (tests, in-memory adapters). The adapter
     * takes ownership of {@code weights}.
     */
    public static PeftAdapter of(PeftAdapterConfig config, TensorSource weights) {
        return new PeftAdapter(weights.path(), config, weights);
    }

    /** The adapter folder (or the weight source's path for {@link #of}). */
    public Path path() {
        return dir;
    }

    public PeftAdapterConfig config() {
        return config;
    }

    /** The raw adapter tensors. */
    public TensorSource weights() {
        return weights;
    }

    /** Adapted modules by module name, in file order. */
    public Map<String, LoraModule> modules() {
        return modules;
    }

    public Optional<LoraModule> module(String name) {
        return Optional.ofNullable(modules.get(name));
    }

    /**
     * Non-LoRA tensors of the adapter, by the base tensor name they replace (prefix and
     * {@code modules_to_save.<adapter>} segment removed) → adapter tensor name.
     */
    public Map<String, String> replacements() {
        return replacements;
    }

    /** User-facing notes about tensors that were skipped. */
    public List<String> notes() {
        return notes;
    }

    /**
     * ΔW of {@code module} in the base tensor's stored layout: {@code s·B·A} (m×n), transposed when
     * {@code fan_in_fan_out}; {@code s·(B·A)ᵀ} for embeddings. Freshly allocated float64 matrix.
     */
    public Matrix delta(LoraModule module) {
        return delta(module, Integer.MAX_VALUE);
    }

    /**
     * {@link #delta(LoraModule)} of the first {@code min(maxRank, r)} components only:
     * {@code s·B[:, :k]·A[:k, :]} (transposed like the full delta). For an adapter whose components are
     * in descending singular-value order (Rankscope's compensation exports, SPEC §9) this is the
     * rank-k compensation; 0 gives a zero update. Freshly allocated float64 matrix.
     *
     * @throws IllegalArgumentException when {@code maxRank < 0}
     */
    public Matrix delta(LoraModule module, int maxRank) {
        if (maxRank < 0) {
            throw new IllegalArgumentException("maxRank must be at least 0, got " + maxRank);
        }
        TensorInfo a = weights.require(module.loraA());
        TensorInfo b = weights.require(module.loraB());
        int r = module.rank();
        int used = Math.min(r, maxRank);
        int n = (int) (a.numel() / r);
        int m = (int) b.dim(0);
        double[] av = weights.readDouble(module.loraA());
        double[] bv = weights.readDouble(module.loraB());
        double s = module.scaling();
        double[] out = new double[Math.multiplyExact(m, n)];
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int k = 0; k < used; k++) {
                double coef = s * bv[i * r + k];
                if (coef == 0) {
                    continue;
                }
                int arow = k * n;
                for (int j = 0; j < n; j++) {
                    out[row + j] += coef * av[arow + j];
                }
            }
        }
        Matrix ba = new Matrix(m, n, out);
        boolean transpose = module.embedding() || (config.fanInFanOut() && module.kernel().isEmpty());
        return transpose ? ba.transpose() : ba;
    }

    private LoraModule describe(String module, String[] pair, boolean embedding) {
        String kind = embedding ? "lora_embedding_" : "lora_";
        if (pair[0] == null || pair[1] == null) {
            throw new CheckpointFormatException(weights.path(), Category.MALFORMED_HEADER, "module '" + module
                    + "' has " + (pair[0] == null ? kind + "B but no " + kind + "A" : kind + "A but no " + kind + "B"));
        }
        TensorInfo a = weights.require(pair[0]);
        TensorInfo b = weights.require(pair[1]);
        boolean conv = a.rank() > 2;
        if (a.rank() < 2 || (b.rank() != 2 && b.rank() != a.rank()) || (conv && embedding) || !trailingOnes(b)) {
            throw new CheckpointFormatException(weights.path(), Category.SIZE_MISMATCH, "module '" + module
                    + "': LoRA factors must be 2-D (or conv A (r, in, k…) with B (out, r, 1…)), got A "
                    + a.shapeString() + " and B " + b.shapeString());
        }
        long r = a.dim(0);
        if (b.dim(1) != r) {
            throw new CheckpointFormatException(weights.path(), Category.SIZE_MISMATCH, "module '" + module
                    + "': A is " + a.shapeString() + " but B is " + b.shapeString() + " (B's columns must equal A's rows)");
        }
        int expected = config.rankFor(module);
        if (r != expected) {
            throw new CheckpointFormatException(weights.path(), Category.SIZE_MISMATCH, "module '" + module
                    + "': A has rank " + r + " but adapter_config.json says " + expected
                    + (config.rankPattern().isEmpty() ? " (r)" : " (r / rank_pattern)"));
        }
        long outDim = b.dim(0);
        long inDim = a.numel() / Math.max(1, r);
        List<Long> kernel = new ArrayList<>();
        for (int d = 2; d < a.rank(); d++) {
            kernel.add(a.dim(d));
        }
        if (outDim * inDim > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(weights.path(), Category.TOO_LARGE,
                    "module '" + module + "': update " + outDim + "×" + inDim + " is too large to merge");
        }
        boolean transpose = embedding || (config.fanInFanOut() && !conv);
        int rows = (int) (transpose ? inDim : outDim);
        int cols = (int) (transpose ? outDim : inDim);
        return new LoraModule(module, pair[0], pair[1], embedding, (int) r, config.scalingFor(module), rows, cols,
                kernel);
    }

    /** B of a conv LoRA is (out, r, 1, …): every dimension after the second must be 1. */
    private static boolean trailingOnes(TensorInfo b) {
        for (int d = 2; d < b.rank(); d++) {
            if (b.dim(d) != 1) {
                return false;
            }
        }
        return true;
    }

    /** Closes the weight source. Never throws. */
    @Override
    public void close() {
        weights.close();
    }
}
