package dev.rankscope.analysis.plan;

import java.util.Objects;

/**
 * Options for the PEFT {@code adapter_config.json} export (SPEC §5).
 *
 * @param loraAlpha       α for the most common rank r; NaN to use α = r (scaling 1)
 * @param taskType        PEFT task type, e.g. {@code CAUSAL_LM}
 * @param baseModelNameOrPath written as {@code base_model_name_or_path}; "" to omit
 */
public record PeftParameters(double loraAlpha, String taskType, String baseModelNameOrPath) {
    public PeftParameters {
        if (!Double.isNaN(loraAlpha) && !(loraAlpha > 0 && Double.isFinite(loraAlpha))) {
            throw new IllegalArgumentException("lora_alpha must be positive, got " + loraAlpha);
        }
        Objects.requireNonNull(taskType, "taskType");
        Objects.requireNonNull(baseModelNameOrPath, "baseModelNameOrPath");
        if (taskType.isBlank()) {
            throw new IllegalArgumentException("task type must not be blank");
        }
    }

    /** α = r, CAUSAL_LM, no base model. */
    public static PeftParameters defaults() {
        return new PeftParameters(Double.NaN, "CAUSAL_LM", "");
    }
}
