package dev.rankscope.views.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the few architecture facts a report shows from a Hugging Face {@code config.json} next to
 * a checkpoint (in the checkpoint folder, or beside the checkpoint file). Only the keys in
 * {@link #KEYS} are kept, as display strings. A missing, unreadable or malformed file yields an
 * empty map: the report then simply has no architecture facts (the analysis never depends on them).
 */
public final class ModelConfigFacts {
    /** config.json keys shown, in display order. */
    public static final List<String> KEYS = List.of("_name_or_path", "model_type", "architectures", "hidden_size",
            "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "vocab_size",
            "max_position_embeddings", "torch_dtype", "tie_word_embeddings");
    /** Larger config files are not read (real ones are a few kB). */
    static final long MAX_BYTES = 1 << 20;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelConfigFacts() {
    }

    /** The facts of the {@code config.json} belonging to {@code checkpoint} (file or folder). */
    public static Map<String, String> near(Path checkpoint) {
        Path dir = Files.isDirectory(checkpoint) ? checkpoint : checkpoint.toAbsolutePath().getParent();
        if (dir == null) {
            return Map.of();
        }
        Path config = dir.resolve("config.json");
        try {
            if (!Files.isRegularFile(config) || Files.size(config) > MAX_BYTES) {
                return Map.of();
            }
            return parse(Files.readString(config));
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** The facts in {@code json} (a config.json object); empty when it is not a JSON object. */
    public static Map<String, String> parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return Map.of();
        }
        if (root == null || !root.isObject()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (String key : KEYS) {
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
        return Collections.unmodifiableMap(out);
    }
}
