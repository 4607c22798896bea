package dev.rankscope.analysis.metrics;

import dev.rankscope.engine.spectrum.MatrixRef;

/**
 * The scale WeightWatcher 0.7.5.5 puts on a matrix before its SPEC §2 metrics. Dense matrices are
 * taken as they are; a conv kernel pooled into one ESD ({@link MatrixRef#isPooled()}, SPEC §7) is,
 * with WeightWatcher's default {@code conv2d_norm=True}, multiplied slice by slice by
 * √(conv2d_count/2) where {@code conv2d_count} is 1 when slices are pooled ({@code pool=True}, its
 * default): every singular value by √(1/2), every eigenvalue λ = σ² by 1/2
 * ({@code WeightWatcher.apply_normalize_Wmats}). α, D, the MP scale σ_mp, soft rank, spike counts,
 * stable rank and entropy do not change; xmin, α-weighted, log α-norm, the log norms, the bulk edges
 * on the λ axis and WeightWatcher's {@code norm}, {@code spectral_norm}, {@code sv_max}/{@code sv_min}
 * do. Rankscope applies it exactly where it reports WeightWatcher's numbers (those metrics and the
 * {@code --ww-csv} table); its own σ, spectral/Frobenius/nuclear norms and ranks stay the kernel's.
 */
public final class WeightWatcherScale {

    /** WeightWatcher's factor on every singular value of a pooled conv ESD: √(1/2). */
    public static final double POOLED_CONV_SINGULAR_VALUE_SCALE = Math.sqrt(0.5);

    private WeightWatcherScale() {
    }

    /** The factor WeightWatcher applies to the singular values of {@code ref}: √(1/2) when pooled conv, else 1. */
    public static double singularValueScale(MatrixRef ref) {
        return ref.isPooled() ? POOLED_CONV_SINGULAR_VALUE_SCALE : 1.0;
    }

    /** {@code sigma} as WeightWatcher analyses it ({@link #singularValueScale}); the same array when unscaled, else a copy. */
    public static double[] sigma(MatrixRef ref, double[] sigma) {
        double scale = singularValueScale(ref);
        if (scale == 1.0) {
            return sigma;
        }
        double[] out = new double[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            out[i] = sigma[i] * scale;
        }
        return out;
    }

    /**
     * {@code ranks} with WeightWatcher's log norms (SPEC §1 "(WW)": log10 Σλ, log10 λ_max) taken on the
     * scaled eigenvalues of {@code ref}; every other measure is scale-free or Rankscope's own and kept.
     */
    public static RankMetrics withLogNorms(MatrixRef ref, RankMetrics ranks) {
        double scale = singularValueScale(ref);
        if (scale == 1.0) {
            return ranks;
        }
        double shift = 2 * Math.log10(scale);
        return new RankMetrics(ranks.effectiveRank(), ranks.energyEffectiveRank(), ranks.stableRank(),
                ranks.numericalRank(), ranks.rankAt90(), ranks.rankAt95(), ranks.rankAt99(), ranks.spectralEntropy(),
                ranks.nuclearNorm(), ranks.frobeniusNorm(), ranks.spectralNorm(), ranks.conditionNumber(),
                ranks.logNorm() + shift, ranks.logSpectralNorm() + shift, ranks.zeroMatrix());
    }
}
