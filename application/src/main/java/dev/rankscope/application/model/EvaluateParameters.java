package dev.rankscope.application.model;

import dev.rankscope.application.job.JobParameters;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code rankscope evaluate MODEL --text FILE [--plan PLAN.json | --factorized FILE] [--stats S]
 * [--seq-len L] [--max-tokens N] [--dump-outputs OUT]} (issue "Model in the loop" §3).
 *
 * @param model       an HF model folder
 * @param text        UTF-8 text: documents separated by blank lines (causal LMs), one sentence per
 *                    non-empty line (encoders)
 * @param plan        a plan JSON to evaluate against the original, or null
 * @param factorized  a factorised safetensors to evaluate against the original, or null
 * @param statistics  calibration statistics: required by a data-aware plan; with any compression
 *                    it also yields the activation-space error of SPEC §8; or null
 * @param seqLen      window length in tokens (causal LMs)
 * @param maxTokens   at most this many tokens are scored (≥ 1)
 * @param dumpOutputs where to write the original model's outputs (safetensors), or null
 * @param quantized   a quantized form of the model (issue 16: int8 ONNX, GGUF, or the dequantized
 *                    {@code quantized-base/model.safetensors} of {@code rankscope compensate}) whose
 *                    weights replace the model's linear modules and embedding tables of the same
 *                    names (SPEC §9), or null
 * @param adapter     with {@code quantized}: the compensation adapter (PEFT folder) whose update (B·A,
 *                    (B·A)ᵀ for an embedding LoRA) is added to those weights, or null
 * @param adapterRank with {@code adapter}: use only the first k components of each module's LoRA
 *                    ({@link dev.rankscope.engine.peft.PeftAdapter#delta(dev.rankscope.engine.peft.PeftAdapter.LoraModule, int)};
 *                    the rank-k compensation for Rankscope's adapters, issue 16 §5's quality-vs-rank
 *                    curve), or 0 for all of them
 */
public record EvaluateParameters(Path model, Path text, Path plan, Path factorized, Path statistics, int seqLen,
                                 long maxTokens, Path dumpOutputs, Path quantized, Path adapter, int adapterRank)
        implements JobParameters {
    public static final int DEFAULT_SEQ_LEN = CalibrateParameters.DEFAULT_SEQ_LEN;
    public static final long DEFAULT_MAX_TOKENS = 65536;

    public EvaluateParameters {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        if ((plan != null ? 1 : 0) + (factorized != null ? 1 : 0) + (quantized != null ? 1 : 0) > 1) {
            throw new IllegalArgumentException("give one of --plan, --factorized or --quantized");
        }
        if (adapter != null && quantized == null) {
            throw new IllegalArgumentException("a compensation adapter is evaluated on top of its quantized model (--quantized)");
        }
        if (adapterRank < 0) {
            throw new IllegalArgumentException("the adapter rank must be at least 0 (0 = all), got " + adapterRank);
        }
        if (adapterRank > 0 && adapter == null) {
            throw new IllegalArgumentException("an adapter rank needs a compensation adapter (--adapter)");
        }
        if (seqLen < 2) {
            throw new IllegalArgumentException("--seq-len must be at least 2, got " + seqLen);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
    }


    /** A run with every component of the adapter (if any). */
    public EvaluateParameters(Path model, Path text, Path plan, Path factorized, Path statistics, int seqLen,
                              long maxTokens, Path dumpOutputs, Path quantized, Path adapter) {
        this(model, text, plan, factorized, statistics, seqLen, maxTokens, dumpOutputs, quantized, adapter, 0);
    }

    /** A run without a quantized model (plans and factorised files). */
    public EvaluateParameters(Path model, Path text, Path plan, Path factorized, Path statistics, int seqLen,
                              long maxTokens, Path dumpOutputs) {
        this(model, text, plan, factorized, statistics, seqLen, maxTokens, dumpOutputs, null, null);
    }

    /** The same run with another plan (the sweep evaluates many). */
    public EvaluateParameters withPlan(Path newPlan) {
        return new EvaluateParameters(model, text, newPlan, null, statistics, seqLen, maxTokens, null);
    }
}
