package dev.rankscope.engine.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The architecture of a synthetic Llama-style decoder (Hugging Face {@code LlamaConfig} naming).
 * Tensor names and shapes follow {@code LlamaForCausalLM}'s state dict, PyTorch order (out, in):
 * <ul>
 *   <li>{@code model.embed_tokens.weight} (vocab × hidden)</li>
 *   <li>{@code model.layers.N.self_attn.q_proj.weight} (hidden × hidden),
 *       {@code k_proj}/{@code v_proj} (kvHeads·headDim × hidden), {@code o_proj} (hidden × hidden)</li>
 *   <li>{@code model.layers.N.mlp.gate_proj.weight}/{@code up_proj} (intermediate × hidden),
 *       {@code down_proj} (hidden × intermediate)</li>
 *   <li>{@code model.layers.N.input_layernorm.weight}, {@code post_attention_layernorm.weight} (hidden)</li>
 *   <li>{@code model.norm.weight} (hidden); {@code lm_head.weight} (vocab × hidden) unless tied</li>
 * </ul>
 *
 * @param name           preset or user label (goes into config.json's {@code _name_or_path})
 * @param layers         decoder layers, ≥ 1
 * @param hidden         model width, a multiple of {@code heads}
 * @param intermediate   MLP width, ≥ 1
 * @param heads          attention heads, a multiple of {@code kvHeads}
 * @param kvHeads        key/value heads (grouped-query attention), ≥ 1
 * @param vocab          vocabulary size, ≥ 1
 * @param tiedEmbeddings true when lm_head shares embed_tokens (no {@code lm_head.weight} tensor)
 */
public record ModelShape(String name, int layers, int hidden, int intermediate, int heads, int kvHeads, int vocab,
                         boolean tiedEmbeddings) {

    /** A named tensor and its shape (outermost first). */
    public record TensorSpec(String name, long[] shape) {
        public TensorSpec {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        /** True for 2-D weights (the matrices Rankscope analyses, SPEC §7). */
        public boolean isMatrix() {
            return shape.length == 2;
        }

        public long numel() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorSpec t && t.name.equals(name) && java.util.Arrays.equals(t.shape, shape);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + java.util.Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + java.util.Arrays.toString(shape);
        }
    }

    public ModelShape {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("model name must not be blank");
        }
        if (layers < 1 || hidden < 1 || intermediate < 1 || heads < 1 || kvHeads < 1 || vocab < 1) {
            throw new IllegalArgumentException("every dimension must be positive: " + name);
        }
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not a multiple of kvHeads " + kvHeads);
        }
    }

    /** 4 layers, hidden 128, intermediate 344, 4 heads (2 KV), vocab 512: ≈ 0.86 M parameters. */
    public static ModelShape tiny() {
        return new ModelShape("tiny", 4, 128, 344, 4, 2, 512, false);
    }

    /** TinyLlama-1.1B's shape: 22 layers, hidden 2048, intermediate 5632, 32 heads (4 KV), vocab 32000. */
    public static ModelShape tinyllama() {
        return new ModelShape("tinyllama", 22, 2048, 5632, 32, 4, 32000, false);
    }

    /** Llama-2-7B's shape: 32 layers, hidden 4096, intermediate 11008, 32 heads (32 KV), vocab 32000. */
    public static ModelShape llama7b() {
        return new ModelShape("llama-7b", 32, 4096, 11008, 32, 32, 32000, false);
    }

    /** Preset names accepted by {@link #preset(String)}. */
    public static List<String> presetNames() {
        return List.of("tiny", "tinyllama", "llama-7b");
    }

    /**
     * Looks up a preset by name (case-insensitive).
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static ModelShape preset(String name) {
        Map<String, ModelShape> presets = Map.of("tiny", tiny(), "tinyllama", tinyllama(), "llama-7b", llama7b());
        ModelShape s = presets.get(name == null ? "" : name.toLowerCase(Locale.ROOT));
        if (s == null) {
            throw new IllegalArgumentException("unknown model preset '" + name + "'; known: " + presetNames());
        }
        return s;
    }

    /** hidden / heads. */
    public int headDim() {
        return hidden / heads;
    }

    /** Output width of k_proj and v_proj: kvHeads · headDim. */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /** Every tensor in state-dict order. */
    public List<TensorSpec> tensors() {
        List<TensorSpec> out = new ArrayList<>();
        out.add(new TensorSpec("model.embed_tokens.weight", new long[] {vocab, hidden}));
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            out.add(new TensorSpec(p + "self_attn.q_proj.weight", new long[] {hidden, hidden}));
            out.add(new TensorSpec(p + "self_attn.k_proj.weight", new long[] {kvDim(), hidden}));
            out.add(new TensorSpec(p + "self_attn.v_proj.weight", new long[] {kvDim(), hidden}));
            out.add(new TensorSpec(p + "self_attn.o_proj.weight", new long[] {hidden, hidden}));
            out.add(new TensorSpec(p + "mlp.gate_proj.weight", new long[] {intermediate, hidden}));
            out.add(new TensorSpec(p + "mlp.up_proj.weight", new long[] {intermediate, hidden}));
            out.add(new TensorSpec(p + "mlp.down_proj.weight", new long[] {hidden, intermediate}));
            out.add(new TensorSpec(p + "input_layernorm.weight", new long[] {hidden}));
            out.add(new TensorSpec(p + "post_attention_layernorm.weight", new long[] {hidden}));
        }
        out.add(new TensorSpec("model.norm.weight", new long[] {hidden}));
        if (!tiedEmbeddings) {
            out.add(new TensorSpec("lm_head.weight", new long[] {vocab, hidden}));
        }
        return out;
    }

    /** Total parameter count. */
    public long parameterCount() {
        long n = 0;
        for (TensorSpec t : tensors()) {
            n += t.numel();
        }
        return n;
    }
}
