package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * uniform-rank (SPEC §4): every matrix drops the same share c of its rank, {@code k = p − ⌊c·p⌋};
 * c is the smallest value meeting the budget (exact search over the breakpoints j/p), then
 * leftover budget goes to the matrices with the lowest k/p.
 */
public record UniformRankParameters() implements StrategyParameters {
    public static final String NAME = "uniform-rank";
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "same share of rank dropped in every matrix", UniformRankParameters.class);

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        Strategies.DoubleBuffer cands = new Strategies.DoubleBuffer();
        for (RankLadder r : ladders) {
            for (int j = 0; j <= r.p; j++) {
                cands.add(j / (double) r.p);
            }
        }
        double[] c = BudgetFit.distinctSorted(cands.toArray());
        if (c.length == 0) {
            return new StrategyOutcome(new int[ladders.length], (l, i) -> 0, List.of());
        }
        double[] chosen = new double[1];
        int[] levels = BudgetFit.search(c, false, budget, ladders, idx -> {
            chosen[0] = c[idx];
            return levels(ladders, c[idx]);
        });
        StrategyOutcome.StepValue v = (l, i) -> -(double) ladders[l].rank(i) / ladders[l].p;
        return new StrategyOutcome(levels, v, List.of("c = " + Strategies.fmt(chosen[0]) + " (fraction of rank dropped)"));
    }

    private static int[] levels(RankLadder[] ladders, double c) {
        int[] levels = new int[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            long dropped = Math.min(r.p, BudgetFit.largestMultipleWithin(c, r.p));
            levels[l] = r.levelForRank(r.p - dropped, RankLadder.Snap.DOWN);
        }
        return levels;
    }
}
