package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * uniform-params (SPEC §4): every eligible matrix keeps the same share of its parameters,
 * {@code k = ⌊mn(1−c)/(m+n)⌋} with c = 1 − budget/eligible parameters; leftover budget goes to
 * the matrices with the lowest kept share. Check: c = 0.2, 4096×11008 → k = 2388.
 */
public record UniformParamsParameters() implements StrategyParameters {
    public static final String NAME = "uniform-params";
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "same kept share of parameters in every matrix", UniformParamsParameters.class);

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        long eligible = 0;
        for (RankLadder r : ladders) {
            eligible += r.denseCost;
        }
        double kept = eligible == 0 ? 0 : Math.min(1.0, (double) budget / eligible);
        int[] levels = new int[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            long k = (long) Math.floor(r.denseCost * kept / r.perRank);
            levels[l] = r.levelForRank(k, RankLadder.Snap.DOWN);
        }
        StrategyOutcome.StepValue v = (l, i) -> -(double) ladders[l].cost(i) / ladders[l].denseCost;
        return new StrategyOutcome(levels, v, List.of("c = " + Strategies.fmt(1 - kept)
                + " (fraction of parameters removed)"));
    }

    /** SPEC §4 uniform-params rank k = ⌊mn(1−c)/(m+n)⌋ before constraints. */
    static long rank(int m, int n, double c) {
        return (long) Math.floor((double) m * n * (1 - c) / ((long) m + n));
    }
}
