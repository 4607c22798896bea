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
 */
public record EvaluateParameters(Path model, Path text, Path plan, Path factorized, Path statistics, int seqLen,
                                 long maxTokens, Path dumpOutputs) implements JobParameters {
    public static final int DEFAULT_SEQ_LEN = CalibrateParameters.DEFAULT_SEQ_LEN;
    public static final long DEFAULT_MAX_TOKENS = 65536;

    public EvaluateParameters {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        if (plan != null && factorized != null) {
            throw new IllegalArgumentException("give either --plan or --factorized, not both");
        }
        if (seqLen < 2) {
            throw new IllegalArgumentException("--seq-len must be at least 2, got " + seqLen);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
    }

    /** The same run with another plan (the sweep evaluates many). */
    public EvaluateParameters withPlan(Path newPlan) {
        return new EvaluateParameters(model, text, newPlan, null, statistics, seqLen, maxTokens, null);
    }
}
