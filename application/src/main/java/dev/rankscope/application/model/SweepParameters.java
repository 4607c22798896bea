package dev.rankscope.application.model;

import dev.rankscope.application.job.JobParameters;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Quality vs size: {@code rankscope evaluate MODEL --text FILE --sweep --strategies S1,S2,…
 * --keep 0.9,0.8,… [--stats STATS]} (issue "Model in the loop" §3).
 *
 * @param model      an HF model folder
 * @param text       the evaluation text
 * @param statistics calibration statistics for data-aware strategies, or null
 * @param strategies strategy names; {@code name@svd-llm} (or {@code @asvd}, {@code @fisher})
 *                   allocates on σ(W·S) and compresses with (W·S)_k·S⁻¹
 * @param keeps      kept fractions of the eligible parameters, each in (0, 1]
 * @param seqLen     window length (causal LMs)
 * @param maxTokens  token cap
 * @param fusedParts budget the q/k/v parts of fused projections (GPT-2 {@code c_attn}, {@code qkv_proj})
 *                   each on its own, as {@code plan --fused-parts} does (SPEC §5/§7)
 */
public record SweepParameters(Path model, Path text, Path statistics, List<String> strategies, List<Double> keeps,
                              int seqLen, long maxTokens, boolean fusedParts) implements JobParameters {
    public SweepParameters {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        strategies = List.copyOf(strategies);
        keeps = List.copyOf(keeps);
        if (strategies.isEmpty()) {
            throw new IllegalArgumentException("--strategies needs at least one strategy");
        }
        if (keeps.isEmpty()) {
            throw new IllegalArgumentException("--keep needs at least one kept fraction");
        }
        for (double k : keeps) {
            if (!(k > 0 && k <= 1)) {
                throw new IllegalArgumentException("kept fractions must be in (0, 1], got " + k);
            }
        }
        for (String s : strategies) {
            if (s.contains("@") && statistics == null) {
                throw new IllegalArgumentException("strategy '" + s + "' is data-aware; it needs --stats");
            }
        }
    }
}
