package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.engine.io.AtomicFileWriter;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PEFT LoRA {@code adapter_config.json} from a plan (SPEC §5): {@code peft_type "LORA"}, {@code r}
 * = the most common rank among factorised matrices (ties → the smaller rank), {@code lora_alpha}
 * = α, {@code target_modules} = the factorised matrices' full module names, {@code rank_pattern}
 * = {full module name: rank} and {@code alpha_pattern} = {name: α·r_x/r} for every factorised
 * matrix (so the scaling α/r is the same everywhere), {@code task_type}, {@code bias "none"}.
 * PEFT matches these keys as {@code (.*\.)?(KEY)$}; full names avoid ambiguity. Dense and
 * ineligible matrices get no adapter. Stateless.
 */
public final class PeftAdapterConfig {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PeftAdapterConfig() {
    }

    /** The most common factorised rank; ties go to the smaller rank. */
    public static int mostCommonRank(Plan plan) {
        return mostCommonRank(plan.factorised().stream().map(PlannedMatrix::rank).toList());
    }

    /** The most common of {@code ranks}; ties go to the smaller rank; -1 when empty. */
    public static int mostCommonRank(java.util.Collection<Integer> ranks) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int r : ranks) {
            counts.merge(r, 1, Integer::sum);
        }
        int best = -1;
        int bestCount = 0;
        for (Map.Entry<Integer, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /**
     * The config as a JSON tree.
     *
     * @throws PlanFileException NOT_EXPORTABLE when the plan factorises nothing, or a factorised
     *         rank is 0 (LoRA needs r ≥ 1)
     */
    public static ObjectNode toTree(Plan plan, PeftParameters params) {
        List<PlannedMatrix> fact = plan.factorised();
        if (fact.isEmpty()) {
            throw new PlanFileException(null, PlanFileException.Kind.NOT_EXPORTABLE,
                    "the plan factorises no matrix, so there is no LoRA adapter to describe");
        }
        for (PlannedMatrix m : fact) {
            if (FusedPartFactors.isPart(m)) {
                throw new PlanFileException(null, PlanFileException.Kind.NOT_EXPORTABLE, m.id() + " is a part of a fused "
                        + "matrix; LoRA targets whole modules (plan without --fused-parts for a PEFT config)");
            }
            if (m.rank() < 1) {
                throw new PlanFileException(null, PlanFileException.Kind.NOT_EXPORTABLE,
                        m.moduleName() + " has rank 0, which LoRA cannot express (set a minimum rank of 1)");
            }
        }
        int r = mostCommonRank(plan);
        double alpha = Double.isNaN(params.loraAlpha()) ? r : params.loraAlpha();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("peft_type", "LORA");
        root.put("task_type", params.taskType());
        if (!params.baseModelNameOrPath().isEmpty()) {
            root.put("base_model_name_or_path", params.baseModelNameOrPath());
        }
        root.put("r", r);
        putNumber(root, "lora_alpha", alpha);
        root.put("lora_dropout", 0.0);
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        root.put("use_rslora", false);
        root.put("inference_mode", false);
        ArrayNode targets = root.putArray("target_modules");
        ObjectNode rankPattern = root.putObject("rank_pattern");
        ObjectNode alphaPattern = root.putObject("alpha_pattern");
        TreeMap<String, Integer> ranks = new TreeMap<>();
        for (PlannedMatrix m : fact) {
            if (ranks.put(m.moduleName(), m.rank()) != null) {
                throw new PlanFileException(null, PlanFileException.Kind.NOT_EXPORTABLE,
                        "module " + m.moduleName() + " appears twice (expert slices cannot be LoRA targets)");
            }
        }
        for (Map.Entry<String, Integer> e : ranks.entrySet()) {
            targets.add(e.getKey());
            rankPattern.put(e.getKey(), e.getValue());
            putNumber(alphaPattern, e.getKey(), alpha * e.getValue() / r);
        }
        return root;
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            o.put(key, (long) v);
        } else {
            o.put(key, v);
        }
    }

    public static String toJson(Plan plan, PeftParameters params) {
        try {
            return MAPPER.writeValueAsString(toTree(plan, params));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("adapter config could not be serialised", e);
        }
    }

    /**
     * Writes {@code adapter_config.json} atomically through {@code files}; refuses to write over
     * the plan's source or any input {@code files} protects.
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException REFUSED or IO
     */
    public static void write(Plan plan, PeftParameters params, Path target, AtomicFileWriter files) {
        ExportFiles.protecting(files, plan).writeBytes(target, toJson(plan, params).getBytes(StandardCharsets.UTF_8));
    }
}
