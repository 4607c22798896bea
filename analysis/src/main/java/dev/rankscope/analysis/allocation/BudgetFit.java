package dev.rankscope.analysis.allocation;

import java.util.PriorityQueue;
import java.util.function.IntFunction;

/**
 * Shared budget mechanics for every strategy (SPEC §4): cost sums, the step-down repair used when
 * rounding overshoots, the step-up fill that leaves less budget unused than the cheapest remaining
 * step, and an exact monotone search over a strategy's finite set of breakpoints.
 *
 * <p>A strategy supplies a step value v(l, i): how much it wants matrix l to move from level i to
 * i+1. Repair removes the step with the smallest value; fill takes the largest value that fits.
 * Ties go to the lower matrix index, so results are deterministic.
 */
final class BudgetFit {
    private BudgetFit() {
    }

    static long cost(RankLadder[] ladders, int[] levels) {
        long s = 0;
        for (int l = 0; l < ladders.length; l++) {
            s += ladders[l].cost(levels[l]);
        }
        return s;
    }

    static long minimumCost(RankLadder[] ladders) {
        long s = 0;
        for (RankLadder r : ladders) {
            s += r.cost(0);
        }
        return s;
    }

    /** Steps matrices down, least valuable last step first, until the cost fits. */
    static void repairDown(RankLadder[] ladders, int[] levels, long budget, StrategyOutcome.StepValue v) {
        long cost = cost(ladders, levels);
        if (cost <= budget) {
            return;
        }
        PriorityQueue<int[]> pq = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(v.value(a[0], levels[a[0]] - 1), v.value(b[0], levels[b[0]] - 1));
            return c != 0 ? c : Integer.compare(a[0], b[0]);
        });
        for (int l = 0; l < ladders.length; l++) {
            if (levels[l] > 0) {
                pq.add(new int[] {l});
            }
        }
        while (cost > budget && !pq.isEmpty()) {
            int l = pq.poll()[0];
            cost -= ladders[l].stepCost(levels[l] - 1);
            levels[l]--;
            if (levels[l] > 0) {
                pq.add(new int[] {l});
            }
        }
    }

    /**
     * Steps matrices up, most valuable step first, skipping steps that no longer fit, until no
     * step of any matrix fits the remaining budget.
     */
    static void fillUp(RankLadder[] ladders, int[] levels, long budget, StrategyOutcome.StepValue v) {
        long slack = budget - cost(ladders, levels);
        // Keys are captured at insertion: a matrix's value changes only when it moves, and it is
        // re-inserted then.
        PriorityQueue<double[]> pq = new PriorityQueue<>((a, b) -> {
            int c = Double.compare(b[1], a[1]);
            return c != 0 ? c : Double.compare(a[0], b[0]);
        });
        for (int l = 0; l < ladders.length; l++) {
            if (levels[l] < ladders[l].topLevel()) {
                pq.add(new double[] {l, v.value(l, levels[l])});
            }
        }
        while (!pq.isEmpty()) {
            int l = (int) pq.poll()[0];
            long step = ladders[l].stepCost(levels[l]);
            if (step > slack) {
                continue; // slack only shrinks: this matrix can never move again
            }
            slack -= step;
            levels[l]++;
            if (levels[l] < ladders[l].topLevel()) {
                pq.add(new double[] {l, v.value(l, levels[l])});
            }
        }
    }

    /** Cost of the cheapest step any matrix could still take (Long.MAX_VALUE when none). */
    static long cheapestStep(RankLadder[] ladders, int[] levels) {
        long best = Long.MAX_VALUE;
        for (int l = 0; l < ladders.length; l++) {
            if (levels[l] < ladders[l].topLevel()) {
                best = Math.min(best, ladders[l].stepCost(levels[l]));
            }
        }
        return best;
    }

    /**
     * Exact search over sorted candidate parameters t_0 &lt; … &lt; t_N whose allocation cost is
     * monotone: returns the allocation for the candidate with the largest cost still within the
     * budget (the first candidate's allocation if none fits).
     *
     * @param candidates sorted ascending
     * @param increasing true when cost grows with t, false when it shrinks
     */
    static int[] search(double[] candidates, boolean increasing, long budget, RankLadder[] ladders,
                        IntFunction<int[]> levelsAtIndex) {
        int n = candidates.length;
        // Index space ordered by growing cost.
        int lo = 0;
        int hi = n - 1;
        int best = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int idx = increasing ? mid : n - 1 - mid;
            if (cost(ladders, levelsAtIndex.apply(idx)) <= budget) {
                best = idx;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (best < 0) {
            best = increasing ? 0 : n - 1;
        }
        return levelsAtIndex.apply(best);
    }

    /** Sorted distinct values. */
    static double[] distinctSorted(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        int k = 0;
        for (int i = 0; i < v.length; i++) {
            if (i == 0 || v[i] != v[k - 1]) {
                v[k++] = v[i];
            }
        }
        return java.util.Arrays.copyOf(v, k);
    }

    /** Largest integer k ≥ 0 with k / w ≤ t (computed with the same division as the breakpoints). */
    static long largestMultipleWithin(double t, double w) {
        if (w <= 0) {
            return 0;
        }
        double est = Math.floor(t * w);
        if (est > 1e15) {
            return (long) 1e15;
        }
        long k = Math.max(0, (long) est);
        while (k > 0 && k / w > t) {
            k--;
        }
        while ((k + 1) / w <= t) {
            k++;
        }
        return k;
    }
}
