package dev.rankscope.analysis.metrics;

/**
 * Marchenko–Pastur fit of the ESD (SPEC §2). The fit is made on eigenvalues rescaled to mean 1
 * ({@code λ' = scale²·λ}, {@code scale = sqrt(L)/sqrt(Σλ)}, L = number of eigenvalues);
 * {@link #bulkMin()}/{@link #bulkMax()} are on that mean-1 axis, {@link #bulkMinEigenvalue()}/
 * {@link #bulkMaxEigenvalue()} on the original λ = σ² axis (WeightWatcher's {@code bulk_min},
 * {@code bulk_max} columns).
 *
 * @param method     how s was found
 * @param q          N/M ≥ 1
 * @param sigma      fitted s (scale of the i.i.d. entries, mean-1 axis; WeightWatcher's {@code sigma_mp})
 * @param bulkMin    λ₋ = (s(1 − 1/√Q))² on the mean-1 axis
 * @param bulkMax    λ₊ = (s(1 + 1/√Q))² on the mean-1 axis
 * @param tracyWidom TW = Q^{-1/2}·λ₊^{2/3}·M^{-2/3} (mean-1 axis)
 * @param numSpikes  #{λ' > λ₊ + √TW}
 * @param softRank   λ₊/λ'_max ({@code mp_softrank}; the same on both axes)
 * @param scale      the rescaling factor of W ({@code W_scale}); λ' = scale²·λ
 * @param degenerate true when every grid candidate was rejected, so the search started from the
 *                   first grid point (WeightWatcher reports that number silently; Rankscope flags it)
 */
public record MarchenkoPasturFit(Method method, double q, double sigma, double bulkMin, double bulkMax,
                                 double tracyWidom, int numSpikes, double softRank, double scale,
                                 boolean degenerate) {

    /** How the scale s was obtained (SPEC §2). */
    public enum Method {
        /** WeightWatcher 0.7.5.5: brute grid, then scipy's Nelder–Mead polish; quarter-circle law when Q = 1. */
        WEIGHTWATCHER("ww"),
        /** SPEC-literal grid search only (MP density for every Q, no polish); labelled. */
        GRID("grid"),
        /** s² = mean λ (= 1 on the mean-1 axis); labelled. */
        QUICK("quick");

        private final String label;

        Method(String label) {
            this.label = label;
        }

        /** Short name used in CLI options, JSON and CSV ({@code ww}, {@code grid}, {@code quick}). */
        public String label() {
            return label;
        }

        /** The method named {@code label}, or null. */
        public static Method ofLabel(String label) {
            for (Method m : values()) {
                if (m.label.equals(label)) {
                    return m;
                }
            }
            return null;
        }
    }

    public MarchenkoPasturFit {
        if (method == null) {
            throw new IllegalArgumentException("method is required");
        }
    }

    /** True when s² = mean λ was used instead of a fit (labelled so in every output). */
    public boolean quick() {
        return method == Method.QUICK;
    }

    /** λ₋ on the original λ = σ² axis: {@code bulkMin / scale²}. */
    public double bulkMinEigenvalue() {
        return bulkMin / (scale * scale);
    }

    /** λ₊ on the original λ = σ² axis: {@code bulkMax / scale²} (WeightWatcher's {@code bulk_max}). */
    public double bulkMaxEigenvalue() {
        return bulkMax / (scale * scale);
    }
}
