package dev.rankscope.analysis;

/**
 * How {@link Analyzer} turns a spectrum into metrics. Immutable; validated on construction.
 *
 * @param marchenkoPastur        which Marchenko–Pastur estimate to report (SPEC §2)
 * @param numericalRankTolerance absolute σ threshold for the numerical rank, or NaN for numpy's
 *                               rule {@code σ₁·max(m,n)·eps} (SPEC §1)
 * @param minEvals               matrices with fewer eigenvalues get no power-law and no MP fit
 *                               (WeightWatcher's {@code min_evals}, default {@value #DEFAULT_MIN_EVALS}; SPEC §2)
 */
public record AnalysisParameters(MpMode marchenkoPastur, double numericalRankTolerance, int minEvals) {

    /** WeightWatcher's {@code min_evals} default (SPEC §2). */
    public static final int DEFAULT_MIN_EVALS = 10;

    /** Marchenko–Pastur estimate to compute. */
    public enum MpMode {
        /** WeightWatcher 0.7.5.5's fit: brute grid + Nelder–Mead polish, quarter circle when Q = 1. */
        FIT,
        /** The SPEC-literal grid-only fit, labelled {@code grid}; the quick estimate when no s fits. */
        GRID,
        /** s² = mean λ only, labelled {@code quick} (SPEC §2). */
        QUICK,
        /** No MP metrics. */
        OFF
    }

    /** WeightWatcher's fit, numpy tolerance, min_evals = 10. */
    public static final AnalysisParameters DEFAULT = new AnalysisParameters(MpMode.FIT, Double.NaN, DEFAULT_MIN_EVALS);

    public AnalysisParameters {
        if (marchenkoPastur == null) {
            throw new IllegalArgumentException("marchenkoPastur mode is required");
        }
        if (!Double.isNaN(numericalRankTolerance) && !(numericalRankTolerance >= 0 && numericalRankTolerance < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("numerical-rank tolerance must be NaN (numpy rule) or finite ≥ 0, got "
                    + numericalRankTolerance);
        }
        if (minEvals < 0) {
            throw new IllegalArgumentException("min-evals must be ≥ 0, got " + minEvals);
        }
    }

    /** These parameters with the default {@code min_evals}. */
    public AnalysisParameters(MpMode marchenkoPastur, double numericalRankTolerance) {
        this(marchenkoPastur, numericalRankTolerance, DEFAULT_MIN_EVALS);
    }

    /** True when numpy's tolerance rule applies. */
    public boolean numpyTolerance() {
        return Double.isNaN(numericalRankTolerance);
    }

    /** A copy with another MP mode. */
    public AnalysisParameters withMarchenkoPastur(MpMode mode) {
        return new AnalysisParameters(mode, numericalRankTolerance, minEvals);
    }

    /** A copy with another {@code min_evals}. */
    public AnalysisParameters withMinEvals(int count) {
        return new AnalysisParameters(marchenkoPastur, numericalRankTolerance, count);
    }
}
