package dev.rankscope.engine.peft;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The parts of a PEFT {@code adapter_config.json} that decide how a LoRA adapter merges onto its
 * base (SPEC §6 "PEFT adapter", SPEC §3). Unknown fields are ignored; only {@code peft_type}
 * LORA is accepted. DoRA ({@code use_dora: true}) is refused: its merge re-normalises columns with
 * a magnitude vector and is not the plain {@code W₀ + s·B·A} this class describes.
 *
 * <p>Per-module values follow PEFT: a {@code rank_pattern}/{@code alpha_pattern} key K applies to a
 * module whose full name matches the regular expression {@code (.*\.)?(K)$}; the first matching key
 * (in file order) wins; otherwise {@code r} / {@code lora_alpha} apply. Scaling is
 * {@code alpha / r}, or {@code alpha / √r} with {@code use_rslora}.
 *
 * @param peftType            always {@code LORA} once parsed
 * @param r                   default rank
 * @param loraAlpha           default alpha
 * @param rankPattern         per-module rank overrides, file order, unmodifiable
 * @param alphaPattern        per-module alpha overrides, file order, unmodifiable
 * @param useRslora           scaling alpha/√r instead of alpha/r
 * @param fanInFanOut         base weights stored (in, out) (GPT-2 Conv1D): ΔW is transposed to match
 * @param targetModules       target module names when given as a list (empty when a regex was given)
 * @param targetModulesRegex  target modules as one regex string, or null when given as a list
 * @param baseModelNameOrPath what the adapter was trained on, or null
 */
public record PeftAdapterConfig(String peftType, int r, double loraAlpha, Map<String, Integer> rankPattern,
                                Map<String, Double> alphaPattern, boolean useRslora, boolean fanInFanOut,
                                List<String> targetModules, String targetModulesRegex,
                                String baseModelNameOrPath) {

    /** File name PEFT writes next to the adapter weights. */
    public static final String FILE_NAME = "adapter_config.json";
    /**
     * Largest config read (hostile input: refuse before allocating). Real configs are about 1 KB; a
     * rank_pattern naming every module of a 70B model stays well under 1 MB.
     */
    public static final long MAX_CONFIG_BYTES = 16L << 20;

    /** PEFT's {@code target_modules} shorthand for all linear layers. */
    public static final String ALL_LINEAR = "all-linear";

    public PeftAdapterConfig {
        if (!"LORA".equals(peftType)) {
            throw new IllegalArgumentException("peft_type must be LORA, got " + peftType);
        }
        if (r < 1) {
            throw new IllegalArgumentException("r must be ≥ 1, got " + r);
        }
        if (!Double.isFinite(loraAlpha)) {
            throw new IllegalArgumentException("lora_alpha must be finite");
        }
        rankPattern = Collections.unmodifiableMap(new LinkedHashMap<>(rankPattern));
        alphaPattern = Collections.unmodifiableMap(new LinkedHashMap<>(alphaPattern));
        targetModules = List.copyOf(targetModules);
    }

    /** Reads and validates {@code file} (an {@code adapter_config.json}). */
    public static PeftAdapterConfig read(Path file) {
        String json;
        try {
            long size = Files.size(file);
            if (size > MAX_CONFIG_BYTES) {
                throw new CheckpointFormatException(file, Category.TOO_LARGE, "is " + size
                        + " bytes; an adapter config is a few kilobytes (limit " + MAX_CONFIG_BYTES + ")");
            }
            json = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "is not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        return parse(json, file);
    }

    /**
     * Parses the JSON text of an adapter config. {@code file} only names the source in errors.
     *
     * @throws CheckpointFormatException MALFORMED_HEADER for bad JSON or bad field types,
     *                                   UNSUPPORTED for a non-LoRA peft_type or DoRA
     */
    public static PeftAdapterConfig parse(String json, Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    "is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "must hold a JSON object");
        }
        String type = text(root, "peft_type", file);
        if (type == null) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "has no \"peft_type\"");
        }
        if (!"LORA".equals(type.toUpperCase(Locale.ROOT))) {
            throw new CheckpointFormatException(file, Category.UNSUPPORTED,
                    "peft_type " + type + " is not supported (only LoRA adapters can be merged)");
        }
        if (bool(root, "use_dora", file)) {
            throw new CheckpointFormatException(file, Category.UNSUPPORTED,
                    "DoRA adapters (use_dora: true) are not supported; only plain LoRA merges are");
        }
        int r = integer(root, "r", 8, file);
        double alpha = number(root, "lora_alpha", 8, file);
        Map<String, Integer> rankPattern = new LinkedHashMap<>();
        objectFields(root, "rank_pattern", file).forEach((k, v) -> rankPattern.put(k, asInt(v, "rank_pattern." + k, file)));
        Map<String, Double> alphaPattern = new LinkedHashMap<>();
        objectFields(root, "alpha_pattern", file).forEach((k, v) -> alphaPattern.put(k, asNumber(v, "alpha_pattern." + k, file)));
        List<String> targets = new ArrayList<>();
        String targetRegex = null;
        JsonNode tm = root.get("target_modules");
        if (tm != null && !tm.isNull()) {
            if (tm.isTextual()) {
                targetRegex = tm.asText();
                try {
                    Pattern.compile(targetRegex);
                } catch (PatternSyntaxException bad) {
                    throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                            "\"target_modules\" is not a valid regular expression: " + bad.getDescription());
                }
            } else if (tm.isArray()) {
                tm.forEach(t -> targets.add(t.asText()));
            } else {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                        "\"target_modules\" must be a list of names or a regular expression string");
            }
        }
        try {
            return new PeftAdapterConfig("LORA", r, alpha, rankPattern, alphaPattern,
                    bool(root, "use_rslora", file), bool(root, "fan_in_fan_out", file), targets, targetRegex,
                    text(root, "base_model_name_or_path", file));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, e.getMessage(), e);
        }
    }

    /** Rank of {@code module} (full module name without {@code .weight}): rank_pattern or r. */
    public int rankFor(String module) {
        return patternValue(rankPattern, module).orElse(r);
    }

    /** Alpha of {@code module}: alpha_pattern or lora_alpha. */
    public double alphaFor(String module) {
        return patternValue(alphaPattern, module).orElse(loraAlpha);
    }

    /** Merge scaling of {@code module}: alpha/r, or alpha/√r with rsLoRA (SPEC §6). */
    public double scalingFor(String module) {
        int rank = rankFor(module);
        double alpha = alphaFor(module);
        return useRslora ? alpha / Math.sqrt(rank) : alpha / rank;
    }

    /**
     * Whether {@code module} is a target: for a list, the name equals an entry or ends with
     * {@code "." + entry}; for a regex string, the whole name matches (PEFT's rules); {@code "all-linear"}
     * and an absent target list accept every module.
     */
    public boolean isTarget(String module) {
        if (ALL_LINEAR.equals(targetModulesRegex)) {
            return true; // PEFT's shorthand for every Linear layer but the output head; weights decide here
        }
        if (targetModulesRegex != null) {
            return BoundedRegex.matches(Pattern.compile(targetModulesRegex), module);
        }
        if (targetModules.isEmpty()) {
            return true;
        }
        for (String t : targetModules) {
            if (module.equals(t) || module.endsWith("." + t)) {
                return true;
            }
        }
        return false;
    }

    /** PEFT's {@code get_pattern_key}: first key K with {@code (.*\.)?(K)$} matching the whole name. */
    static <V> Optional<V> patternValue(Map<String, V> pattern, String module) {
        for (Map.Entry<String, V> e : pattern.entrySet()) {
            Pattern p;
            try {
                p = Pattern.compile("(.*\\.)?(" + e.getKey() + ")$");
            } catch (PatternSyntaxException bad) {
                // PEFT would fail on this key too; treat it as a literal name instead
                p = Pattern.compile("(.*\\.)?(" + Pattern.quote(e.getKey()) + ")$");
            }
            if (BoundedRegex.matches(p, module)) {
                return Optional.of(e.getValue());
            }
        }
        return Optional.empty();
    }

    private static String text(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isValueNode()) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "\"" + field + "\" must be a string");
        }
        return n.asText();
    }

    private static boolean bool(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        // PEFT writes real booleans; hand-edited configs sometimes quote them
        if (n.isTextual() && (n.asText().equalsIgnoreCase("true") || n.asText().equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(n.asText());
        }
        throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "\"" + field + "\" must be true or false");
    }

    private static int integer(JsonNode root, String field, int fallback, Path file) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? fallback : asInt(n, field, file);
    }

    private static double number(JsonNode root, String field, double fallback, Path file) {
        JsonNode n = root.get(field);
        return n == null || n.isNull() ? fallback : asNumber(n, field, file);
    }

    private static int asInt(JsonNode n, String field, Path file) {
        if (!n.isNumber() || n.asDouble() != Math.rint(n.asDouble()) || !n.canConvertToInt()) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "\"" + field + "\" must be an integer");
        }
        return n.asInt();
    }

    private static double asNumber(JsonNode n, String field, Path file) {
        if (!n.isNumber()) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "\"" + field + "\" must be a number");
        }
        return n.asDouble();
    }

    private static Map<String, JsonNode> objectFields(JsonNode root, String field, Path file) {
        JsonNode n = root.get(field);
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (!n.isObject()) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "\"" + field + "\" must be an object");
        }
        n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
