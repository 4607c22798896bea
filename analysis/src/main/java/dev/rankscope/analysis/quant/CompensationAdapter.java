package dev.rankscope.analysis.quant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.plan.PeftAdapterConfig;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.tensor.DType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes quantization compensations as a standard PEFT LoRA adapter (SPEC §5–6, §9):
 * {@code adapter_model.safetensors} with {@code base_model.model.<module>.lora_A.weight} (k×n) and
 * {@code .lora_B.weight} (m×k) in float32 for linear modules, and for embedding tables (W is
 * num_embeddings×dim, PEFT's {@code lora.Embedding}) {@code .lora_embedding_A} (k×num_embeddings) =
 * (B_c)ᵀ and {@code .lora_embedding_B} (dim×k) = (A_c)ᵀ of the compensation C = B_c·A_c, because PEFT's
 * update of an embedding is ΔW = scaling·(B·A)ᵀ. {@code adapter_config.json} has {@code r} = the most
 * common rank, {@code rank_pattern} = {module: k} and {@code alpha_pattern} = {module: k} (so the
 * scaling α/r is exactly 1 for every module), {@code lora_alpha} = r, {@code target_modules} = the
 * full module names. PEFT loads it unchanged on top of the quantized base. Modules with rank 0 get
 * no adapter. Both files go through {@link AtomicFileWriter}. Not thread-safe; one instance per export.
 */
public final class CompensationAdapter {
    /** Adapter weight file name PEFT looks for. */
    public static final String WEIGHTS = "adapter_model.safetensors";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Map<String, LowRankCompensation> modules = new LinkedHashMap<>();
    private final java.util.Set<String> embeddings = new java.util.HashSet<>();

    /** Adds a linear module's compensation C = B·A of its m×n weight (ignored when its rank is 0). */
    public CompensationAdapter add(String module, LowRankCompensation c) {
        if (modules.containsKey(module)) {
            throw new IllegalArgumentException("module " + module + " added twice");
        }
        if (c.rank() > 0) {
            modules.put(module, c);
        }
        return this;
    }

    /**
     * Adds an embedding table's compensation C = B·A of its num_embeddings×dim weight (ignored when its
     * rank is 0); written as PEFT's {@code lora_embedding_A}/{@code lora_embedding_B}.
     */
    public CompensationAdapter addEmbedding(String module, LowRankCompensation c) {
        add(module, c);
        if (c.rank() > 0) {
            embeddings.add(module);
        }
        return this;
    }

    /** Whether {@code module} was added as an embedding table. */
    public boolean isEmbedding(String module) {
        return embeddings.contains(module);
    }

    /** Modules with a rank ≥ 1, in insertion order. */
    public Map<String, LowRankCompensation> modules() {
        return java.util.Collections.unmodifiableMap(modules);
    }

    /** Whether any module has a compensation. */
    public boolean isEmpty() {
        return modules.isEmpty();
    }

    /** The most common rank (ties → the smaller), the config's {@code r}. */
    public int mostCommonRank() {
        return PeftAdapterConfig.mostCommonRank(modules.values().stream().map(LowRankCompensation::rank).toList());
    }

    /** The {@code adapter_config.json} text. */
    public String configJson(String baseModel) {
        ObjectNode root = MAPPER.createObjectNode();
        int r = mostCommonRank();
        root.put("peft_type", "LORA");
        root.putNull("task_type");
        root.put("base_model_name_or_path", baseModel);
        root.put("r", r);
        root.put("lora_alpha", r);
        root.put("lora_dropout", 0.0);
        root.put("bias", "none");
        root.put("fan_in_fan_out", false);
        root.put("use_rslora", false);
        root.put("use_dora", false);
        root.put("inference_mode", true);
        ArrayNode targets = root.putArray("target_modules");
        ObjectNode ranks = root.putObject("rank_pattern");
        ObjectNode alphas = root.putObject("alpha_pattern");
        for (Map.Entry<String, LowRankCompensation> e : modules.entrySet()) {
            targets.add(e.getKey());
            ranks.put(e.getKey(), e.getValue().rank());
            alphas.put(e.getKey(), e.getValue().rank());
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} into {@code folder}.
     *
     * @param metadata extra {@code __metadata__} entries (provenance)
     * @throws IllegalStateException when no module has a rank ≥ 1 (LoRA needs r ≥ 1)
     */
    public void write(Path folder, String baseModel, Map<String, String> metadata, AtomicFileWriter files) {
        if (modules.isEmpty()) {
            throw new IllegalStateException("every module has rank 0, so there is no LoRA adapter to write");
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.metadata("format", "pt");
        metadata.forEach(w::metadata);
        for (Map.Entry<String, LowRankCompensation> e : modules.entrySet()) {
            boolean embedding = embeddings.contains(e.getKey());
            // PEFT's embedding update is (B·A)ᵀ: A holds the table's rows side (k×num_embeddings), B the dim side
            Matrix a = embedding ? e.getValue().loraB().transpose() : e.getValue().loraA();
            Matrix b = embedding ? e.getValue().loraA().transpose() : e.getValue().loraB();
            String prefix = PeftAdapter.PREFIX + e.getKey() + (embedding ? ".lora_embedding_" : ".lora_");
            String suffix = embedding ? "" : ".weight";
            w.add(prefix + "A" + suffix, DType.F32, new long[] {a.rows(), a.cols()}, sink -> sink.put(a.data()));
            w.add(prefix + "B" + suffix, DType.F32, new long[] {b.rows(), b.cols()}, sink -> sink.put(b.data()));
        }
        w.write(folder.resolve(WEIGHTS), files);
        files.writeBytes(folder.resolve(dev.rankscope.engine.peft.PeftAdapterConfig.FILE_NAME), configJson(baseModel).getBytes(StandardCharsets.UTF_8));
    }
}
