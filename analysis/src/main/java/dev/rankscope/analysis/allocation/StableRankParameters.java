package dev.rankscope.analysis.allocation;

/**
 * stable-rank proportional (SPEC §4): {@code k_l = ⌊t·sr_l⌋} with sr = Σσ²/σ₁², t the largest
 * scale meeting the budget (exact search over breakpoints k/sr_l); leftover budget goes to the
 * matrix with the lowest k/sr.
 */
public record StableRankParameters() implements StrategyParameters {
    public static final String NAME = "stable-rank";
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "ranks proportional to stable rank", StableRankParameters.class);

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        double[] w = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            w[l] = ladders[l].input.stableRankOrComputed();
        }
        return Strategies.proportional(ladders, budget, w, "stable rank");
    }
}
