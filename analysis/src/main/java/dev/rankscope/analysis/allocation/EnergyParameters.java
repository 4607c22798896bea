package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * energy (SPEC §4): each matrix keeps the smallest k whose retained energy Σ_{i≤k}σ²/Σσ² is at
 * least a global τ; τ is the largest value meeting the budget, found by exact binary search over
 * the finite set of breakpoints (the matrices' cumulative-energy values). Leftover budget goes to
 * the matrices with the lowest retained energy.
 */
public record EnergyParameters() implements StrategyParameters {
    public static final String NAME = "energy";
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "same retained energy τ in every matrix", EnergyParameters.class);

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        Strategies.DoubleBuffer cands = new Strategies.DoubleBuffer();
        cands.add(0.0);
        for (RankLadder r : ladders) {
            if (r.totalEnergy() > 0) {
                for (int k = 1; k <= r.p; k++) {
                    cands.add(r.cumulative(k) / r.totalEnergy());
                }
            }
        }
        double[] t = BudgetFit.distinctSorted(cands.toArray());
        double[] chosen = new double[1];
        int[] levels = BudgetFit.search(t, true, budget, ladders, idx -> {
            chosen[0] = t[idx];
            int[] lv = new int[ladders.length];
            for (int l = 0; l < ladders.length; l++) {
                lv[l] = ladders[l].levelForRank(energyRank(ladders[l], t[idx]), RankLadder.Snap.UP);
            }
            return lv;
        });
        StrategyOutcome.StepValue v = (l, i) -> -ladders[l].retained(i);
        return new StrategyOutcome(levels, v, List.of("τ = " + Strategies.fmt(chosen[0])
                + " (retained energy per matrix)"));
    }

    /** Smallest k with Σ_{i≤k}σ²/Σσ² ≥ τ (0 for an all-zero matrix). */
    static int energyRank(RankLadder r, double tau) {
        if (r.totalEnergy() == 0) {
            return 0;
        }
        int lo = 0;
        int hi = r.p;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (r.cumulative(mid) / r.totalEnergy() >= tau) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
