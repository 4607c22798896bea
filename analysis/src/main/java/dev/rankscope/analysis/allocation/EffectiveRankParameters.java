package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * effective-rank, weights-only D-Rank (SPEC §4): s_l = energy effective rank, w_l = m_l + n_l,
 * {@code k_l = sqrt(s_l/w_l)·P / Σ_j sqrt(s_j·w_j)}, rounded and clamped, then repaired: while
 * over budget decrement the matrix with the smallest s/w, while under increment the largest that
 * fits. Check: s = [10, 40], w = [3, 3], P = 30 → k = [3.33, 6.67].
 */
public record EffectiveRankParameters() implements StrategyParameters {
    public static final String NAME = "effective-rank";
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "ranks from energy effective rank (D-Rank, weights only)", EffectiveRankParameters.class);

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        double[] s = new double[ladders.length];
        double[] w = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            s[l] = ladders[l].input.energyEffectiveRankOrComputed();
            w[l] = ladders[l].perRank;
        }
        double[] k = continuous(s, w, budget);
        int[] levels = new int[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            long rounded = Math.max(1, Math.min(r.p, Math.round(k[l])));
            levels[l] = r.levelForRank(rounded, RankLadder.Snap.NEAREST);
        }
        StrategyOutcome.StepValue v = (l, i) -> s[l] / w[l];
        return new StrategyOutcome(levels, v, List.of());
    }

    /**
     * D-Rank's continuous ranks (SPEC §4): {@code k_l = sqrt(s_l/w_l)·P / Σ_j sqrt(s_j·w_j)}, so
     * that Σ k_l·w_l = P. All zeros when every s is 0.
     */
    static double[] continuous(double[] s, double[] w, double budgetParams) {
        if (s.length != w.length) {
            throw new IllegalArgumentException("s and w differ in length");
        }
        double denom = 0;
        for (int j = 0; j < s.length; j++) {
            denom += Math.sqrt(s[j] * w[j]);
        }
        double[] k = new double[s.length];
        if (denom == 0) {
            return k;
        }
        for (int l = 0; l < s.length; l++) {
            k[l] = Math.sqrt(s[l] / w[l]) * budgetParams / denom;
        }
        return k;
    }
}
