package dev.rankscope.analysis.allocation;

/**
 * effective-rank, weights-only D-Rank (SPEC §4): s_l = energy effective rank, w_l = m_l + n_l,
 * {@code k_l = sqrt(s_l/w_l)·P / Σ_j sqrt(s_j·w_j)}, rounded and clamped, then repaired: while
 * over budget decrement the matrix with the smallest s/w, while under increment the largest that
 * fits. Check: s = [10, 40], w = [3, 3], P = 30 → k = [3.33, 6.67].
 */
public record EffectiveRankParameters() implements StrategyParameters {
    public static final String NAME = "effective-rank";

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "ranks from energy effective rank (D-Rank, weights only)";
    }
}
