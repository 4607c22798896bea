package dev.rankscope.application.model;

import java.util.List;

/**
 * What {@link EvaluateJob} measured. Causal LMs fill {@code original}/{@code compressed}
 * perplexities, KL and top-1; encoders fill {@code cosine}. NaN / null where not applicable.
 *
 * @param kind               "causal-lm" or "encoder"
 * @param model              the model folder
 * @param textSha256         SHA-256 of the text
 * @param seqLen             window length (causal LMs)
 * @param windows            windows (causal LMs) or sentences (encoders)
 * @param tokens             tokens run through the model (per model)
 * @param original           the original model's scores (causal LMs), else null
 * @param compressed         the compressed model's scores, or null without a compression
 * @param meanKl             mean KL(original ‖ compressed) in nats over the scored positions (NaN without one)
 * @param top1Agreement      fraction of positions where both models' most likely next token agree (NaN without one)
 * @param cosine             encoders with a compression: compressed vs original embedding cosine, else null
 * @param compression        what was evaluated: the plan or factorised file ("" for none)
 * @param factorisedModules  modules that ran as U·V
 * @param activationError    activation-space relative error of the compression from the statistics (SPEC §8), or null
 * @param seconds            wall time
 */
public record EvaluateResult(String kind, String model, String textSha256, int seqLen, int windows, long tokens,
                             Quality original, Quality compressed, double meanKl, double top1Agreement,
                             Cosine cosine, String compression, int factorisedModules,
                             ActivationSpaceError activationError, double seconds) {

    /**
     * Perplexity per SPEC §8.
     *
     * @param perplexity   exp(mean NLL)
     * @param meanNll      mean negative log-likelihood in nats
     * @param tokensScored predicted positions
     */
    public record Quality(double perplexity, double meanNll, long tokensScored) {
        static Quality of(NextTokenScores s) {
            return new Quality(s.perplexity(), s.meanNll(), s.tokensScored());
        }
    }

    /**
     * Cosine similarity of each sentence's compressed vs original pooled embedding.
     *
     * @param mean         mean over sentences
     * @param min          smallest
     * @param percentile5  5th percentile (linear interpolation, as numpy's default)
     * @param sentences    sentences compared
     */
    public record Cosine(double mean, double min, double percentile5, int sentences) {
    }

    /**
     * Activation-space relative error ‖(W − W')Xᵀ‖_F / ‖W Xᵀ‖_F from the calibration Gram
     * matrices, over all compressed modules (sums of numerators and denominators) and per module.
     *
     * @param total    sqrt(Σ_l tr(Δ_l G_l Δ_lᵀ) / Σ_l tr(W_l G_l W_lᵀ))
     * @param modules  per compressed module
     */
    public record ActivationSpaceError(double total, List<ModuleError> modules) {
        public ActivationSpaceError {
            modules = List.copyOf(modules);
        }
    }

    /** One module's activation-space relative error. */
    public record ModuleError(String module, double relativeError) {
    }
}
