package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A llama.cpp GGUF file seen under its Hugging Face tensor names and layout (SPEC §6), so that a
 * quantized GGUF can be paired with the float HF checkpoint it was converted from (issue 16).
 *
 * <p><b>Names</b> (llama.cpp's {@code gguf-py} tensor map for the Llama family):
 * {@code token_embd} → {@code model.embed_tokens}, {@code output_norm} → {@code model.norm},
 * {@code output} → {@code lm_head}, and in block N {@code attn_norm} → {@code input_layernorm},
 * {@code ffn_norm} → {@code post_attention_layernorm}, {@code attn_q|k|v|output} →
 * {@code self_attn.q|k|v|o_proj}, {@code ffn_gate|up|down} → {@code mlp.gate|up|down_proj}, each
 * under {@code model.layers.N.}; other tensors (e.g. {@code rope_freqs.weight}) keep their names.
 *
 * <p><b>Q/K rows.</b> For {@code general.architecture = llama} (Llama, Mistral, TinyLlama…),
 * {@code convert_hf_to_gguf.py} reorders the rows of q_proj (with {@code head_count} heads) and
 * k_proj (with {@code head_count_kv} heads) from HF's rotate-half RoPE layout into llama.cpp's
 * interleaved one: within each head of d rows, GGUF row {@code 2i + j} holds HF row
 * {@code j·d/2 + i} (i &lt; d/2, j ∈ {0, 1}). This view undoes it, so every element read equals the
 * HF tensor's element at the same index. Architectures that keep HF's layout (qwen2, qwen3: NeoX
 * RoPE) are only renamed. For any other architecture the layout of attn_q/attn_k is not known here:
 * those two keep their GGUF names (so they show up unpaired instead of with a wrong error) and
 * {@link #UNMAPPED_KEY} in the metadata says why.
 *
 * <p>Quantized blocks run along a row, so a row permutation moves whole rows of blocks; reads are
 * split at row boundaries. Thread-safe like the wrapped source; closing the view closes it.
 */
public final class HuggingFaceView implements TensorSource {
    /** Metadata key naming tensors left under their GGUF names and why. */
    public static final String UNMAPPED_KEY = "gguf.hf_unmapped";
    /** Metadata key set to the architecture whose Q/K rows were un-permuted. */
    public static final String UNPERMUTED_KEY = "gguf.hf_unpermuted";

    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.([a-z_]+)\\.(weight|bias)");
    private static final Map<String, String> TOP = Map.of("token_embd", "model.embed_tokens",
            "output_norm", "model.norm", "output", "lm_head");
    private static final Map<String, String> IN_BLOCK = Map.ofEntries(
            Map.entry("attn_norm", "input_layernorm"), Map.entry("ffn_norm", "post_attention_layernorm"),
            Map.entry("attn_q", "self_attn.q_proj"), Map.entry("attn_k", "self_attn.k_proj"),
            Map.entry("attn_v", "self_attn.v_proj"), Map.entry("attn_output", "self_attn.o_proj"),
            Map.entry("ffn_gate", "mlp.gate_proj"), Map.entry("ffn_up", "mlp.up_proj"),
            Map.entry("ffn_down", "mlp.down_proj"));
    /** Architectures whose Q/K rows convert_hf_to_gguf.py permutes for llama.cpp's RoPE. */
    private static final List<String> PERMUTED = List.of("llama");
    /** Architectures converted with HF's row order (NeoX-style RoPE). */
    private static final List<String> UNPERMUTED = List.of("qwen2", "qwen3");

    /** One exposed tensor: its GGUF name, and the GGUF row of each HF row (null: identity). */
    private record Mapped(TensorInfo info, String ggufName, int[] rowSource, long rowLength) { }

    private final TensorSource gguf;
    private final Map<String, Mapped> byName = new LinkedHashMap<>();
    private final List<TensorInfo> tensors = new ArrayList<>();
    private final Map<String, String> metadata;

    private HuggingFaceView(TensorSource gguf) {
        this.gguf = gguf;
        String arch = gguf.metadata().getOrDefault("general.architecture", "").toLowerCase(Locale.ROOT);
        boolean permuted = PERMUTED.contains(arch);
        boolean knownLayout = permuted || UNPERMUTED.contains(arch);
        int heads = intKey(arch + ".attention.head_count", 0);
        int kvHeads = intKey(arch + ".attention.head_count_kv", heads);
        Map<String, String> meta = new LinkedHashMap<>(gguf.metadata());
        List<String> unmapped = new ArrayList<>();
        for (TensorInfo t : gguf.tensors()) {
            String hf = huggingFaceName(t.name()).orElse(t.name());
            String module = moduleOf(t.name());
            boolean qk = "attn_q".equals(module) || "attn_k".equals(module);
            int[] rows = null;
            if (qk && !knownLayout) {
                hf = t.name();
                unmapped.add(t.name());
            } else if (qk && permuted) {
                int h = "attn_q".equals(module) ? heads : kvHeads;
                rows = unpermutedRows(t, h);
            }
            TensorInfo info = new TensorInfo(hf, t.dtype(), t.shape(), t.byteSize());
            long rowLength = t.rank() <= 1 ? 1 : t.numel() / t.dim(0);
            byName.put(hf, new Mapped(info, t.name(), rows, rowLength));
            tensors.add(info);
        }
        if (permuted) {
            meta.put(UNPERMUTED_KEY, arch);
        }
        if (!unmapped.isEmpty()) {
            meta.put(UNMAPPED_KEY, String.join(", ", unmapped) + ": the Q/K row layout of GGUF architecture '" + arch
                    + "' is not known (llama is un-permuted, qwen2/qwen3 kept), so these keep their GGUF names");
        }
        this.metadata = Map.copyOf(meta);
    }

    /**
     * The HF view of {@code source} when it is a GGUF file; any other source is returned as it is.
     *
     * @throws CheckpointFormatException when a llama Q/K tensor's rows are not whole heads of even size
     *                                   (the file's head counts do not fit its tensors)
     */
    public static TensorSource of(TensorSource source) {
        return "gguf".equals(source.format()) ? new HuggingFaceView(source) : source;
    }

    /**
     * {@code quantized} as it pairs with {@code base}: the HF view of a GGUF file when the base is
     * not GGUF itself (two GGUF files pair under their own names), otherwise {@code quantized}.
     */
    public static TensorSource pairedWith(TensorSource quantized, TensorSource base) {
        return "gguf".equals(base.format()) ? quantized : of(quantized);
    }

    /** The HF name of a llama.cpp tensor name, when the Llama-family map has one. */
    public static Optional<String> huggingFaceName(String ggufName) {
        Matcher m = BLOCK.matcher(ggufName);
        if (m.matches()) {
            String module = IN_BLOCK.get(m.group(2));
            return module == null ? Optional.empty()
                    : Optional.of("model.layers." + m.group(1) + "." + module + "." + m.group(3));
        }
        int dot = ggufName.lastIndexOf('.');
        String top = dot < 0 ? null : TOP.get(ggufName.substring(0, dot));
        return top == null ? Optional.empty() : Optional.of(top + ggufName.substring(dot));
    }

    private static String moduleOf(String ggufName) {
        Matcher m = BLOCK.matcher(ggufName);
        return m.matches() ? m.group(2) : null;
    }

    private int intKey(String key, int fallback) {
        String v = gguf.metadata().get(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** For each HF row, the GGUF row holding it (inverse of convert_hf_to_gguf.py's permutation). */
    private int[] unpermutedRows(TensorInfo t, int heads) {
        long rows = t.rank() == 0 ? 1 : t.dim(0);
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new CheckpointFormatException(gguf.path(), CheckpointFormatException.Category.SIZE_MISMATCH,
                    t.name() + " has " + rows
                    + " rows, which are not " + heads + " heads of an even size (attention.head_count"
                    + (t.name().contains("attn_k") ? "_kv" : "") + " in the GGUF metadata)");
        }
        int d = (int) (rows / heads);
        int half = d / 2;
        int[] source = new int[(int) rows];
        for (int h = 0; h < heads; h++) {
            for (int j = 0; j < 2; j++) {
                for (int i = 0; i < half; i++) {
                    source[h * d + j * half + i] = h * d + 2 * i + j;
                }
            }
        }
        return source;
    }

    @Override
    public Path path() {
        return gguf.path();
    }

    @Override
    public List<Path> files() {
        return gguf.files();
    }

    @Override
    public FileIdentity identity() {
        return gguf.identity();
    }

    @Override
    public void verifyUnchanged(String name) {
        Mapped m = byName.get(name);
        gguf.verifyUnchanged(m == null ? name : m.ggufName());
    }

    @Override
    public void closeIdleFiles() {
        gguf.closeIdleFiles();
    }

    @Override
    public String format() {
        return gguf.format();
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(tensors);
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        Mapped m = byName.get(name);
        return m == null ? Optional.empty() : Optional.of(m.info());
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        Mapped m = byName.get(name);
        if (m == null) {
            require(name);   // throws naming the file and the tensor
            return;
        }
        if (m.rowSource() == null) {
            gguf.readElements(m.ggufName(), first, count, dst, dstOffset);
            return;
        }
        long len = m.rowLength();
        int done = 0;
        while (done < count) {
            long e = first + done;
            int row = (int) (e / len);
            long col = e % len;
            int n = (int) Math.min(count - done, len - col);
            gguf.readElements(m.ggufName(), m.rowSource()[row] * len + col, n, dst, dstOffset + done);
            done += n;
        }
    }

    @Override
    public void close() {
        gguf.close();
    }
}
