package dev.rankscope.analysis.metrics;

/**
 * Marchenko–Pastur fit of the ESD (SPEC §2), on eigenvalues rescaled to mean 1.
 *
 * @param q          N/M ≥ 1
 * @param sigma      fitted s (scale of the i.i.d. entries)
 * @param bulkMin    λ₋
 * @param bulkMax    λ₊ ({@code bulk_max})
 * @param tracyWidom TW = Q^{-1/2}·λ₊^{2/3}·M^{-2/3}
 * @param numSpikes  #{λ > λ₊ + √TW}
 * @param softRank   λ₊/λ_max ({@code mp_softrank})
 * @param quick      true when s² = mean(λ) was used instead of the KDE search (labelled so)
 */
public record MarchenkoPasturFit(double q, double sigma, double bulkMin, double bulkMax,
                                 double tracyWidom, int numSpikes, double softRank, boolean quick) {
}
