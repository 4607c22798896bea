package dev.rankscope.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * The facts of a Hugging Face {@code config.json} the forward pass needs (SPEC §8), with the
 * defaults of transformers' config classes where a key is optional (LlamaConfig, MistralConfig,
 * Qwen2Config, GPT2Config, BertConfig). Immutable.
 *
 * @param modelType        {@code model_type}, lower case
 * @param architecture     the family that runs it
 * @param vocabSize        {@code vocab_size}
 * @param hidden           {@code hidden_size} / GPT-2 {@code n_embd}
 * @param layers           {@code num_hidden_layers} / {@code n_layer}
 * @param heads            {@code num_attention_heads} / {@code n_head}
 * @param kvHeads          {@code num_key_value_heads} (GQA), else {@code heads}
 * @param headDim          {@code head_dim} when given, else hidden / heads
 * @param intermediate     {@code intermediate_size} / GPT-2 {@code n_inner} (default 4·hidden)
 * @param maxPositions     {@code max_position_embeddings} / {@code n_positions}
 * @param normEps          {@code rms_norm_eps} (1e-6) / {@code layer_norm_epsilon} (1e-5) / {@code layer_norm_eps} (1e-12)
 * @param activation       {@code hidden_act} / {@code activation_function}: silu, gelu, gelu_new...
 * @param ropeTheta        {@code rope_theta} (10000); NaN when the family has no RoPE
 * @param ropeScaling      {@code rope_scaling}, or null for none
 * @param slidingWindow    Mistral's {@code sliding_window} when in force, else -1
 * @param tieWordEmbeddings lm_head shares the token embedding ({@code tie_word_embeddings}; always for GPT-2)
 * @param typeVocabSize    BERT {@code type_vocab_size} (2), else 0
 */
public record RuntimeConfig(String modelType, Architecture architecture, int vocabSize, int hidden, int layers,
                            int heads, int kvHeads, int headDim, int intermediate, int maxPositions, double normEps,
                            String activation, double ropeTheta, RopeScaling ropeScaling, int slidingWindow,
                            boolean tieWordEmbeddings, int typeVocabSize) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public RuntimeConfig {
        if (hidden < 1 || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || vocabSize < 1 || intermediate < 1) {
            throw new IllegalArgumentException("every dimension must be positive");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " not a multiple of key/value heads " + kvHeads);
        }
    }

    /** Optional rope scaling. */
    public Optional<RopeScaling> ropeScalingOptional() {
        return Optional.ofNullable(ropeScaling);
    }

    /**
     * Reads and validates {@code file} (a config.json).
     *
     * @throws ModelRuntimeException one sentence naming the file and the problem: unreadable, not
     *                               JSON, unsupported {@code model_type} (with the supported list),
     *                               a required key missing or inconsistent
     */
    public static RuntimeConfig read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelRuntimeException(file + " cannot be read as JSON (" + e.getClass().getSimpleName() + ").", e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelRuntimeException(file + " is not a JSON object.");
        }
        return parse(root, file.toString());
    }

    /** {@link #read} on an already parsed tree; {@code where} names it in messages. */
    public static RuntimeConfig parse(JsonNode root, String where) {
        String type = root.path("model_type").asText("").toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            throw new ModelRuntimeException(where + " has no model_type; supported: " + Architecture.supportedList() + ".");
        }
        Architecture arch = Architecture.forModelType(type).orElseThrow(() -> new ModelRuntimeException(
                "Unsupported model_type '" + type + "' in " + where + "; supported: " + Architecture.supportedList() + "."));
        Keys k = new Keys(root, where);
        try {
            return switch (arch) {
                case LLAMA -> llama(k, type);
                case GPT2 -> gpt2(k, type);
                case BERT -> bert(k, type);
            };
        } catch (IllegalArgumentException e) {
            throw new ModelRuntimeException(where + ": " + e.getMessage() + ".");
        }
    }

    private static RuntimeConfig llama(Keys k, String type) {
        int hidden = k.required("hidden_size");
        int heads = k.required("num_attention_heads");
        int headDim = k.optional("head_dim", 0) > 0 ? k.optional("head_dim", 0) : k.divide(hidden, heads);
        int slidingWindow = -1;
        if (type.equals("mistral") && k.node.hasNonNull("sliding_window")) {
            slidingWindow = k.required("sliding_window");
        } else if (type.equals("qwen2") && k.node.path("use_sliding_window").asBoolean(false)
                && k.node.hasNonNull("sliding_window")) {
            slidingWindow = k.required("sliding_window");
        }
        return new RuntimeConfig(type, Architecture.LLAMA, k.required("vocab_size"), hidden,
                k.required("num_hidden_layers"), heads, k.optional("num_key_value_heads", heads), headDim,
                k.required("intermediate_size"), k.optional("max_position_embeddings", 2048),
                k.real("rms_norm_eps", 1e-6), k.text("hidden_act", "silu"), k.real("rope_theta", 10000.0),
                k.ropeScaling(), slidingWindow, k.node.path("tie_word_embeddings").asBoolean(false), 0);
    }

    private static RuntimeConfig gpt2(Keys k, String type) {
        int hidden = k.firstRequired("n_embd", "hidden_size");
        int heads = k.firstRequired("n_head", "num_attention_heads");
        int inner = k.optional("n_inner", 0) > 0 ? k.optional("n_inner", 0) : 4 * hidden;
        return new RuntimeConfig(type, Architecture.GPT2, k.required("vocab_size"), hidden,
                k.firstRequired("n_layer", "num_hidden_layers"), heads, heads, k.divide(hidden, heads), inner,
                k.optional("n_positions", 1024), k.real("layer_norm_epsilon", 1e-5),
                k.text("activation_function", "gelu_new"), Double.NaN, null, -1, true, 0);
    }

    private static RuntimeConfig bert(Keys k, String type) {
        int hidden = k.required("hidden_size");
        int heads = k.required("num_attention_heads");
        return new RuntimeConfig(type, Architecture.BERT, k.required("vocab_size"), hidden,
                k.required("num_hidden_layers"), heads, heads, k.divide(hidden, heads),
                k.required("intermediate_size"), k.optional("max_position_embeddings", 512),
                k.real("layer_norm_eps", 1e-12), k.text("hidden_act", "gelu"), Double.NaN, null, -1, false,
                k.optional("type_vocab_size", 2));
    }

    /** Typed access to config keys with one-sentence failures. */
    private record Keys(JsonNode node, String where) {
        int required(String key) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                throw new ModelRuntimeException(where + " has no " + key + ".");
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                throw new ModelRuntimeException(where + ": " + key + " must be a positive integer, got " + v + ".");
            }
            return v.asInt();
        }

        int firstRequired(String key, String alternative) {
            return node.hasNonNull(key) ? required(key) : required(alternative);
        }

        int optional(String key, int fallback) {
            return node.hasNonNull(key) ? required(key) : fallback;
        }

        double real(String key, double fallback) {
            JsonNode v = node.get(key);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber() || !(v.asDouble() > 0)) {
                throw new ModelRuntimeException(where + ": " + key + " must be a positive number, got " + v + ".");
            }
            return v.asDouble();
        }

        double requiredReal(String key) {
            if (!node.hasNonNull(key)) {
                throw new ModelRuntimeException(where + " has no " + key + ".");
            }
            return real(key, Double.NaN);
        }

        String text(String key, String fallback) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? fallback : v.asText().toLowerCase(Locale.ROOT);
        }

        int divide(int hidden, int heads) {
            if (hidden % heads != 0) {
                throw new ModelRuntimeException(where + ": hidden size " + hidden + " is not a multiple of the "
                        + heads + " attention heads.");
            }
            return hidden / heads;
        }

        RopeScaling ropeScaling() {
            JsonNode s = node.get("rope_scaling");
            if (s == null || s.isNull()) {
                return null;
            }
            String type = s.path("rope_type").asText(s.path("type").asText("")).toLowerCase(Locale.ROOT);
            if (type.equals("default")) {
                return null;
            }
            Keys sk = new Keys(s, where + " rope_scaling");
            return switch (type) {
                case RopeScaling.LINEAR -> new RopeScaling(type, sk.requiredReal("factor"), Double.NaN, Double.NaN, -1);
                case RopeScaling.LLAMA3 -> new RopeScaling(type, sk.requiredReal("factor"),
                        sk.real("low_freq_factor", 1.0), sk.real("high_freq_factor", 4.0),
                        sk.required("original_max_position_embeddings"));
                default -> throw new ModelRuntimeException("Unsupported rope_scaling type '" + type + "' in " + where
                        + "; supported: linear, llama3.");
            };
        }
    }
}
