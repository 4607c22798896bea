package dev.rankscope.engine.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The architecture facts of a model that matrix listing needs (SPEC §7: fused QKV split "by the
 * config's head counts when known", per-head views, GPT-2 Conv1D orientation), read from a
 * Hugging Face {@code config.json} next to a checkpoint or from GGUF metadata.
 *
 * <p><b>config.json keys.</b> {@code model_type}, {@code architectures}; hidden size from
 * {@code hidden_size}, else GPT-2's {@code n_embd}, Falcon-RW's {@code n_embed} or {@code d_model};
 * heads from {@code num_attention_heads}, else {@code n_head}/{@code n_heads}; layers from
 * {@code num_hidden_layers}, else {@code n_layer}/{@code n_layers}/{@code num_layers}. Key/value
 * heads follow transformers' {@code FalconAttention}: with {@code new_decoder_architecture} they
 * are {@code num_kv_heads} (or {@code n_head_kv}); else with {@code multi_query} (Falcon-7B,
 * GPT-BigCode) exactly 1; else {@code num_key_value_heads} / {@code num_kv_heads}, defaulting to
 * the head count. {@code head_dim} is the explicit key when positive, else hidden/heads when that
 * divides exactly.
 *
 * <p><b>GGUF keys</b> (llama.cpp naming, {@code arch = general.architecture}):
 * {@code arch.attention.head_count}, {@code .head_count_kv}, {@code .key_length} (head dim),
 * {@code arch.embedding_length}, {@code arch.block_count}.
 *
 * <p>Unknown integers are -1. Reading never throws: a missing, oversized or malformed file gives
 * {@link #none(String)} with the reason in {@link #note()}. Immutable and thread-safe.
 *
 * @param source                 where the facts came from ("config.json", "GGUF metadata"), "" when none
 * @param modelType              {@code model_type} or GGUF {@code general.architecture}, lower case; "" when unknown
 * @param architectures          {@code architectures} class names (may be empty)
 * @param hiddenSize             d_model, or -1
 * @param heads                  attention (query) heads, or -1
 * @param kvHeads                key/value heads (GQA/MQA), or -1
 * @param headDim                dimension of one head, or -1
 * @param layers                 transformer blocks, or -1
 * @param multiQuery             Falcon/GPT-BigCode {@code multi_query}
 * @param newDecoderArchitecture Falcon {@code new_decoder_architecture} (grouped fused QKV)
 * @param facts                  display strings of the keys in {@link #DISPLAY_KEYS} that are present, in that order
 * @param note                   why facts are missing or incomplete; "" when complete
 */
public record ModelConfig(String source, String modelType, List<String> architectures, int hiddenSize, int heads,
                          int kvHeads, int headDim, int layers, boolean multiQuery, boolean newDecoderArchitecture,
                          Map<String, String> facts, String note) {

    /** config.json keys kept as display facts, in display order. */
    public static final List<String> DISPLAY_KEYS = List.of("_name_or_path", "model_type", "architectures",
            "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
            "vocab_size", "max_position_embeddings", "torch_dtype", "tie_word_embeddings");
    /** Larger config files are not read (real ones are a few kB). */
    public static final long MAX_BYTES = 1 << 20;
    /** File name looked for next to a checkpoint. */
    public static final String FILE_NAME = "config.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ModelConfig {
        source = source == null ? "" : source;
        modelType = modelType == null ? "" : modelType.toLowerCase(Locale.ROOT);
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        facts = facts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(facts));
        note = note == null ? "" : note;
    }

    /** No facts, with the reason (e.g. "no config.json next to model.safetensors"). */
    public static ModelConfig none(String reason) {
        return new ModelConfig("", "", List.of(), -1, -1, -1, -1, -1, false, false, Map.of(), reason);
    }

    /** True when heads, key/value heads and head dim are all known (needed for QKV split and per-head views). */
    public boolean hasHeadCounts() {
        return heads > 0 && kvHeads > 0 && headDim > 0 && heads % kvHeads == 0;
    }

    /** True when nothing at all is known. */
    public boolean isEmpty() {
        return source.isEmpty();
    }

    /**
     * Facts for an opened checkpoint: its GGUF metadata when it has {@code general.architecture},
     * else the {@code config.json} next to {@link TensorSource#path()}.
     */
    public static ModelConfig of(TensorSource source) {
        Map<String, String> meta = source.metadata();
        if (meta.containsKey("general.architecture")) {
            return fromGguf(meta);
        }
        return near(source.path());
    }

    /**
     * The {@code config.json} belonging to {@code checkpoint}: inside it when it is a folder,
     * beside it when it is a file.
     */
    public static ModelConfig near(Path checkpoint) {
        Path abs = checkpoint.toAbsolutePath();
        Path dir = Files.isDirectory(abs) ? abs : abs.getParent();
        if (dir == null) {
            return none("no folder to look for " + FILE_NAME + " in");
        }
        Path config = dir.resolve(FILE_NAME);
        try {
            if (!Files.isRegularFile(config)) {
                return none("no " + FILE_NAME + " next to " + abs.getFileName());
            }
            long size = Files.size(config);
            if (size > MAX_BYTES) {
                return none(config + " is " + size + " bytes, more than the " + MAX_BYTES + " read");
            }
            return parse(Files.readString(config), config.toString());
        } catch (IOException e) {
            return none("cannot read " + config + ": " + e.getMessage());
        }
    }

    /** Facts of a config.json text; {@code where} names it in notes. Never throws. */
    public static ModelConfig parse(String json, String where) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return none(where + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return none(where + " is not a JSON object");
        }
        int hidden = firstInt(root, "hidden_size", "n_embd", "n_embed", "d_model");
        int heads = firstInt(root, "num_attention_heads", "n_head", "n_heads");
        int layers = firstInt(root, "num_hidden_layers", "n_layer", "n_layers", "num_layers");
        boolean multiQuery = root.path("multi_query").asBoolean(false);
        boolean newArch = root.path("new_decoder_architecture").asBoolean(false);
        int kv;
        if (newArch) {
            kv = firstInt(root, "num_kv_heads", "n_head_kv");
        } else if (multiQuery) {
            kv = 1;
        } else {
            kv = firstInt(root, "num_key_value_heads", "num_kv_heads", "n_head_kv");
        }
        if (kv <= 0) {
            kv = heads;
        }
        int headDim = firstInt(root, "head_dim");
        if (headDim <= 0 && hidden > 0 && heads > 0 && hidden % heads == 0) {
            headDim = hidden / heads;
        }
        List<String> archs = new ArrayList<>();
        root.path("architectures").forEach(a -> {
            if (a.isTextual()) {
                archs.add(a.asText());
            }
        });
        String note = heads > 0 && headDim > 0 ? "" : where + " gives no attention head counts";
        return new ModelConfig(FILE_NAME, root.path("model_type").asText(""), archs, hidden, heads, kv, headDim,
                layers, multiQuery, newArch, displayFacts(root), note);
    }

    /** Facts from GGUF metadata (values as strings, see {@code GgufSource#metadata()}). Never throws. */
    public static ModelConfig fromGguf(Map<String, String> meta) {
        String arch = meta.getOrDefault("general.architecture", "");
        if (arch.isEmpty()) {
            return none("GGUF metadata has no general.architecture");
        }
        int hidden = intOf(meta.get(arch + ".embedding_length"));
        int heads = intOf(meta.get(arch + ".attention.head_count"));
        int kv = intOf(meta.get(arch + ".attention.head_count_kv"));
        if (kv <= 0) {
            kv = heads;
        }
        int headDim = intOf(meta.get(arch + ".attention.key_length"));
        if (headDim <= 0 && hidden > 0 && heads > 0 && hidden % heads == 0) {
            headDim = hidden / heads;
        }
        int layers = intOf(meta.get(arch + ".block_count"));
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("general.architecture", arch);
        for (String k : List.of("general.name", arch + ".embedding_length", arch + ".block_count",
                arch + ".attention.head_count", arch + ".attention.head_count_kv", arch + ".context_length")) {
            String v = meta.get(k);
            if (v != null) {
                facts.put(k, v);
            }
        }
        String note = heads > 0 && headDim > 0 ? "" : "GGUF metadata gives no attention head counts";
        return new ModelConfig("GGUF metadata", arch, List.of(), hidden, heads, kv, headDim, layers,
                kv == 1 && heads > 1, false, facts, note);
    }

    /** One line for tables and logs: "gpt2, d=768, 12 heads (kv 12) × 64, 12 layers". */
    public String describe() {
        if (isEmpty()) {
            return note;
        }
        StringBuilder sb = new StringBuilder(modelType.isEmpty() ? "unknown model type" : modelType);
        if (hiddenSize > 0) {
            sb.append(", d=").append(hiddenSize);
        }
        if (heads > 0) {
            sb.append(", ").append(heads).append(" heads (kv ").append(kvHeads).append(")");
            if (headDim > 0) {
                sb.append(" × ").append(headDim);
            }
        }
        if (layers > 0) {
            sb.append(", ").append(layers).append(" layers");
        }
        return sb.toString();
    }

    private static Map<String, String> displayFacts(JsonNode root) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : DISPLAY_KEYS) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                continue;
            }
            if (v.isArray()) {
                StringBuilder sb = new StringBuilder();
                v.forEach(e -> sb.append(sb.length() == 0 ? "" : ", ").append(e.isValueNode() ? e.asText() : e.toString()));
                out.put(key, sb.toString());
            } else {
                out.put(key, v.isValueNode() ? v.asText() : v.toString());
            }
        }
        return out;
    }

    private static int firstInt(JsonNode root, String... keys) {
        for (String k : keys) {
            JsonNode v = root.get(k);
            if (v != null && v.canConvertToInt() && v.isIntegralNumber() && v.asInt() > 0) {
                return v.asInt();
            }
        }
        return -1;
    }

    private static int intOf(String s) {
        if (s == null) {
            return -1;
        }
        try {
            int v = Integer.parseInt(s.trim());
            return v > 0 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
