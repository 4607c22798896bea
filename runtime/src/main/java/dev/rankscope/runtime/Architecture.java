package dev.rankscope.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The model families the runtime can run (SPEC §8), keyed by config.json's {@code model_type}.
 */
public enum Architecture {
    /** Llama family decoders: {@code llama}, {@code mistral}, {@code qwen2} (q/k/v biases). */
    LLAMA(true, "llama", "mistral", "qwen2"),
    /** GPT-2: learned positions, pre-LN, Conv1D (in, out) weights, fused {@code c_attn}. */
    GPT2(true, "gpt2"),
    /** BERT-family encoders (BERT, MiniLM, bge, e5): post-LN, token types, erf GELU. */
    BERT(false, "bert");

    private final boolean causal;
    private final List<String> modelTypes;

    Architecture(boolean causal, String... modelTypes) {
        this.causal = causal;
        this.modelTypes = List.of(modelTypes);
    }

    /** True for causal language models (logits, perplexity); false for encoders (pooled embeddings). */
    public boolean isCausal() {
        return causal;
    }

    /** The {@code model_type} values of this family, lower case. */
    public List<String> modelTypes() {
        return modelTypes;
    }

    /** The family running {@code modelType} (case-insensitive), if any. */
    public static Optional<Architecture> forModelType(String modelType) {
        String t = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.modelTypes.contains(t)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Every supported {@code model_type}, for messages:
     * {@code llama, mistral, qwen2, gpt2, bert (BERT, MiniLM, bge, e5)}.
     */
    public static String supportedList() {
        StringBuilder sb = new StringBuilder();
        for (Architecture a : values()) {
            for (String t : a.modelTypes) {
                sb.append(sb.length() == 0 ? "" : ", ").append(t);
            }
        }
        return sb.append(" (BERT, MiniLM, bge, e5)").toString();
    }
}
