package dev.rankscope.analysis;

/**
 * How {@link Analyzer} turns a spectrum into metrics. Immutable; validated on construction.
 *
 * @param marchenkoPastur        which Marchenko–Pastur estimate to report (SPEC §2)
 * @param numericalRankTolerance absolute σ threshold for the numerical rank, or NaN for numpy's
 *                               rule {@code σ₁·max(m,n)·eps} (SPEC §1)
 */
public record AnalysisParameters(MpMode marchenkoPastur, double numericalRankTolerance) {

    /** Marchenko–Pastur estimate to compute. */
    public enum MpMode {
        /** WeightWatcher's KDE grid fit; falls back to the quick estimate (labelled) when no s fits. */
        FIT,
        /** s² = mean λ only, labelled {@code quick} (SPEC §2). */
        QUICK,
        /** No MP metrics. */
        OFF
    }

    /** KDE fit, numpy tolerance. */
    public static final AnalysisParameters DEFAULT = new AnalysisParameters(MpMode.FIT, Double.NaN);

    public AnalysisParameters {
        if (marchenkoPastur == null) {
            throw new IllegalArgumentException("marchenkoPastur mode is required");
        }
        if (!Double.isNaN(numericalRankTolerance) && !(numericalRankTolerance >= 0 && numericalRankTolerance < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("numerical-rank tolerance must be NaN (numpy rule) or finite ≥ 0, got "
                    + numericalRankTolerance);
        }
    }

    /** True when numpy's tolerance rule applies. */
    public boolean numpyTolerance() {
        return Double.isNaN(numericalRankTolerance);
    }
}
