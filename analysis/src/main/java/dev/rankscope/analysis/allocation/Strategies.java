package dev.rankscope.analysis.allocation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Helpers the built-in strategies share (SPEC §4): the proportional allocation behind
 * stable-rank and alpha, number formatting for plan notes, and a primitive list for breakpoint
 * candidates. Each strategy's own arithmetic lives in its {@link StrategyParameters} record.
 */
final class Strategies {
    private Strategies() {
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    /** k_l = ⌊t·w_l⌋ with the largest t meeting the budget (exact over breakpoints k/w_l). */
    static StrategyOutcome proportional(RankLadder[] ladders, long budget, double[] w, String what) {
        DoubleBuffer cands = new DoubleBuffer();
        cands.add(0.0);
        for (int l = 0; l < ladders.length; l++) {
            if (w[l] > 0) {
                for (int k = 1; k <= ladders[l].p; k++) {
                    cands.add(k / w[l]);
                }
            }
        }
        double[] t = BudgetFit.distinctSorted(cands.toArray());
        double[] chosen = new double[1];
        int[] levels = BudgetFit.search(t, true, budget, ladders, idx -> {
            chosen[0] = t[idx];
            int[] lv = new int[ladders.length];
            for (int l = 0; l < ladders.length; l++) {
                long k = Math.min(ladders[l].p, BudgetFit.largestMultipleWithin(t[idx], w[l]));
                lv[l] = ladders[l].levelForRank(k, RankLadder.Snap.DOWN);
            }
            return lv;
        });
        StrategyOutcome.StepValue v = (l, i) -> w[l] > 0 ? -ladders[l].rank(i) / w[l] : Double.NEGATIVE_INFINITY;
        return new StrategyOutcome(levels, v, List.of("k = t·(" + what + "), t = " + fmt(chosen[0])));
    }

    /** Growable primitive list for breakpoint candidates (no boxing of ~10^6 values). */
    static final class DoubleBuffer {
        private double[] data = new double[64];
        private int size;

        void add(double v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        double[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
