package dev.rankscope.analysis.metrics;

/**
 * Rank measures of SPEC §1, computed from singular values alone.
 *
 * @param effectiveRank       Roy–Vetterli exp(entropy of σ/Σσ); 0 for an all-zero matrix
 * @param energyEffectiveRank D-Rank variant on σ²
 * @param stableRank          Σσ²/σ₁²
 * @param numericalRank       #{σ > tol}, tol = σ₁·max(m,n)·eps unless given
 * @param rankAt90            smallest k with cumulative energy ≥ 0.90
 * @param rankAt95            … ≥ 0.95
 * @param rankAt99            … ≥ 0.99
 * @param spectralEntropy     WeightWatcher's normalised entropy of λ = σ²
 * @param nuclearNorm         Σσ
 * @param frobeniusNorm       sqrt(Σσ²)
 * @param spectralNorm        σ₁
 * @param conditionNumber     σ₁/σ_p (+∞ when σ_p = 0)
 * @param logNorm             log10 Σσ²
 * @param logSpectralNorm     log10 σ₁²
 * @param zeroMatrix          true when every σ is 0 (ranks reported as 0, erank undefined)
 */
public record RankMetrics(double effectiveRank, double energyEffectiveRank, double stableRank,
                          int numericalRank, int rankAt90, int rankAt95, int rankAt99,
                          double spectralEntropy, double nuclearNorm, double frobeniusNorm,
                          double spectralNorm, double conditionNumber, double logNorm,
                          double logSpectralNorm, boolean zeroMatrix) {
}
