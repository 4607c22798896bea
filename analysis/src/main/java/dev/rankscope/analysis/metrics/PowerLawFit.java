package dev.rankscope.analysis.metrics;

/**
 * Heavy-tail fit of the ESD λ = σ² (SPEC §2, Hill MLE with Kolmogorov–Smirnov choice of xmin).
 *
 * @param alpha          power-law exponent α
 * @param xmin           chosen lower cut-off of the tail
 * @param ksDistance     KS distance D at the chosen xmin
 * @param sigmaAlpha     (α−1)/√n
 * @param numTail        #{λ ≥ xmin} ({@code num_pl_spikes})
 * @param alphaWeighted  α·log10 λ_max
 * @param logAlphaNorm   log10 Σ λ^α
 * @param verdict        "over-trained" (α &lt; 2), "under-trained" (α &gt; 6) or "" otherwise
 */
public record PowerLawFit(double alpha, double xmin, double ksDistance, double sigmaAlpha,
                          int numTail, double alphaWeighted, double logAlphaNorm, String verdict) {
}
