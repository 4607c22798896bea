package dev.rankscope.application.report;

import dev.rankscope.engine.config.ModelConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The few architecture facts a report shows from a Hugging Face {@code config.json} next to a
 * checkpoint (in the checkpoint folder, or beside the checkpoint file), as display strings. The
 * parsing is the engine's {@link ModelConfig} (the same facts drive fused-QKV splitting); this
 * class only selects its display map. A missing, unreadable or malformed file yields an empty
 * map: the report then simply has no architecture facts.
 */
public final class ModelConfigFacts {
    /** config.json keys shown, in display order. */
    public static final List<String> KEYS = ModelConfig.DISPLAY_KEYS;

    private ModelConfigFacts() {
    }

    /** The facts of the {@code config.json} belonging to {@code checkpoint} (file or folder). */
    public static Map<String, String> near(Path checkpoint) {
        return ModelConfig.near(checkpoint).facts();
    }

    /** The facts in {@code json} (a config.json object); empty when it is not a JSON object. */
    public static Map<String, String> parse(String json) {
        return ModelConfig.parse(json, ModelConfig.FILE_NAME).facts();
    }
}
