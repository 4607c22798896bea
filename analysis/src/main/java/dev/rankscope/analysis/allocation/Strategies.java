package dev.rankscope.analysis.allocation;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The weights-only strategies of SPEC §4 as pure functions from ladders and a parameter allowance
 * to one level per matrix. Each returns its target allocation and the step value that
 * {@link BudgetFit} uses to repair and fill it; {@link Allocator} then guarantees the budget.
 */
final class Strategies {
    private Strategies() {
    }

    /** A strategy's allocation before the shared repair/fill, with notes for the plan. */
    record Outcome(int[] levels, BudgetFit.StepValue stepValue, List<String> notes) {
    }

    static Outcome run(StrategyParameters params, RankLadder[] ladders, long budget) {
        if (params instanceof UniformParamsParameters) {
            return uniformParams(ladders, budget);
        } else if (params instanceof UniformRankParameters) {
            return uniformRank(ladders, budget);
        } else if (params instanceof EnergyParameters) {
            return energy(ladders, budget);
        } else if (params instanceof GlobalOptimalParameters p) {
            return globalOptimal(p, ladders, budget);
        } else if (params instanceof EffectiveRankParameters) {
            return effectiveRank(ladders, budget);
        } else if (params instanceof WeLoreParameters p) {
            return weLore(p, ladders, budget);
        } else if (params instanceof StableRankParameters) {
            return stableRank(ladders, budget);
        } else if (params instanceof AlphaParameters p) {
            return alpha(p, ladders, budget);
        } else if (params instanceof ExplainedVarianceParameters) {
            return explainedVariance(ladders);
        }
        throw new IllegalArgumentException("unknown strategy " + params);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    // ---- uniform-params -------------------------------------------------------------------

    static Outcome uniformParams(RankLadder[] ladders, long budget) {
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
        BudgetFit.StepValue v = (l, i) -> -(double) ladders[l].cost(i) / ladders[l].denseCost;
        return new Outcome(levels, v, List.of("c = " + fmt(1 - kept) + " (fraction of parameters removed)"));
    }

    /** SPEC §4 uniform-params rank k = ⌊mn(1−c)/(m+n)⌋ before constraints. */
    static long uniformParamsRank(int m, int n, double c) {
        return (long) Math.floor((double) m * n * (1 - c) / ((long) m + n));
    }

    // ---- uniform-rank ---------------------------------------------------------------------

    static Outcome uniformRank(RankLadder[] ladders, long budget) {
        DoubleBuffer cands = new DoubleBuffer();
        for (RankLadder r : ladders) {
            for (int j = 0; j <= r.p; j++) {
                cands.add(j / (double) r.p);
            }
        }
        double[] c = BudgetFit.distinctSorted(cands.toArray());
        if (c.length == 0) {
            return new Outcome(new int[ladders.length], (l, i) -> 0, List.of());
        }
        double[] chosen = new double[1];
        int[] levels = BudgetFit.search(c, false, budget, ladders, idx -> {
            chosen[0] = c[idx];
            return uniformRankLevels(ladders, c[idx]);
        });
        BudgetFit.StepValue v = (l, i) -> -(double) ladders[l].rank(i) / ladders[l].p;
        return new Outcome(levels, v, List.of("c = " + fmt(chosen[0]) + " (fraction of rank dropped)"));
    }

    private static int[] uniformRankLevels(RankLadder[] ladders, double c) {
        int[] levels = new int[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            long dropped = Math.min(r.p, BudgetFit.largestMultipleWithin(c, r.p));
            levels[l] = r.levelForRank(r.p - dropped, RankLadder.Snap.DOWN);
        }
        return levels;
    }

    // ---- energy ---------------------------------------------------------------------------

    static Outcome energy(RankLadder[] ladders, long budget) {
        DoubleBuffer cands = new DoubleBuffer();
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
            return energyLevels(ladders, t[idx]);
        });
        BudgetFit.StepValue v = (l, i) -> -ladders[l].retained(i);
        return new Outcome(levels, v, List.of("τ = " + fmt(chosen[0]) + " (retained energy per matrix)"));
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

    private static int[] energyLevels(RankLadder[] ladders, double tau) {
        int[] levels = new int[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            levels[l] = ladders[l].levelForRank(energyRank(ladders[l], tau), RankLadder.Snap.UP);
        }
        return levels;
    }

    // ---- global-optimal -------------------------------------------------------------------

    static Outcome globalOptimal(GlobalOptimalParameters p, RankLadder[] ladders, long budget) {
        GlobalOptimalSolver.Result res = GlobalOptimalSolver.solve(ladders, budget, p.objective(), p.exactWorkLimit());
        BudgetFit.StepValue v = (l, i) -> {
            double dv = GlobalOptimalSolver.value(ladders[l], i, p.objective())
                    - GlobalOptimalSolver.value(ladders[l], i + 1, p.objective());
            return dv / ladders[l].stepCost(i);
        };
        return new Outcome(res.levels(), v, List.of(res.describe()));
    }

    // ---- effective-rank (D-Rank, weights only) -------------------------------------------

    /**
     * D-Rank's continuous ranks (SPEC §4): {@code k_l = sqrt(s_l/w_l)·P / Σ_j sqrt(s_j·w_j)}, so
     * that Σ k_l·w_l = P. All zeros when every s is 0.
     */
    static double[] effectiveRankContinuous(double[] s, double[] w, double budgetParams) {
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

    static Outcome effectiveRank(RankLadder[] ladders, long budget) {
        double[] s = new double[ladders.length];
        double[] w = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            s[l] = ladders[l].input.energyEffectiveRankOrComputed();
            w[l] = ladders[l].perRank;
        }
        double[] k = effectiveRankContinuous(s, w, budget);
        int[] levels = new int[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            long rounded = Math.max(1, Math.min(r.p, Math.round(k[l])));
            levels[l] = r.levelForRank(rounded, RankLadder.Snap.NEAREST);
        }
        BudgetFit.StepValue v = (l, i) -> s[l] / w[l];
        return new Outcome(levels, v, List.of());
    }

    // ---- WeLore ---------------------------------------------------------------------------

    /** σ̂ = (σ − σ_min)/(σ_max − σ_min), descending; all 1 when σ is constant. */
    static double[] weLoreNormalised(AllocationInput in) {
        double max = in.sigma(0);
        double min = in.sigma(in.fullRank() - 1);
        double[] h = new double[in.fullRank()];
        for (int i = 0; i < h.length; i++) {
            h[i] = max == min ? 1.0 : (in.sigma(i) - min) / (max - min);
        }
        return h;
    }

    /** #{σ̂ &lt; τ} for descending σ̂. */
    static int weLoreDropped(double[] hat, double tau) {
        int lo = 0;
        int hi = hat.length;      // first index with hat < tau
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hat[mid] < tau) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return hat.length - lo;
    }

    /** Largest factorised rank WeLore allows: dropped/p &gt; share ⇔ k &lt; p(1 − share). */
    static int weLoreMaxRank(int p, double share) {
        long k = (long) Math.ceil(p * (1 - share)) - 1;
        while (k >= 0 && (p - k) / (double) p <= share) {
            k--;
        }
        while ((p - (k + 1)) / (double) p > share) {
            k++;
        }
        return (int) Math.max(-1, k);
    }

    static Outcome weLore(WeLoreParameters p, RankLadder[] ladders, long budget) {
        double[][] hats = new double[ladders.length][];
        DoubleBuffer cands = new DoubleBuffer();
        cands.add(Math.nextUp(1.0));
        for (int l = 0; l < ladders.length; l++) {
            hats[l] = weLoreNormalised(ladders[l].input);
            for (double h : hats[l]) {
                cands.add(h);
            }
        }
        double[] t = BudgetFit.distinctSorted(cands.toArray());
        double[] chosen = new double[1];
        int[] levels = BudgetFit.search(t, false, budget, ladders, idx -> {
            chosen[0] = t[idx];
            int[] lv = new int[ladders.length];
            for (int l = 0; l < ladders.length; l++) {
                RankLadder r = ladders[l];
                int dropped = weLoreDropped(hats[l], t[idx]);
                lv[l] = dropped / (double) r.p > p.lrcDropShare()
                        ? r.levelForRank(r.p - dropped, RankLadder.Snap.UP)
                        : r.topLevel();
            }
            return lv;
        });
        BudgetFit.StepValue v = (l, i) -> {
            int k = ladders[l].rank(i);
            return k < hats[l].length ? hats[l][k] : 0;
        };
        return new Outcome(levels, v, List.of("τ = " + fmt(chosen[0]) + " (threshold on normalised σ)"));
    }

    // ---- proportional (stable rank, alpha) ------------------------------------------------

    static Outcome stableRank(RankLadder[] ladders, long budget) {
        double[] w = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            w[l] = ladders[l].input.stableRankOrComputed();
        }
        return proportional(ladders, budget, w, "stable rank");
    }

    /** AlphaPruning weights ω_l = 1 + ε·(1 − 2(α_l − α_min)/(α_max − α_min)), 1 when all α agree. */
    static double[] alphaWeights(double[] alpha, double epsilon) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double a : alpha) {
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        double[] w = new double[alpha.length];
        for (int l = 0; l < alpha.length; l++) {
            w[l] = max == min ? 1.0 : 1 + epsilon * (1 - 2 * (alpha[l] - min) / (max - min));
        }
        return w;
    }

    static Outcome alpha(AlphaParameters p, RankLadder[] ladders, long budget) {
        double[] alpha = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            alpha[l] = ladders[l].input.alpha();
            if (Double.isNaN(alpha[l])) {
                throw new AllocationException("alpha-proportional allocation needs a power-law α for every "
                        + "matrix in scope, but " + ladders[l].input.id() + " has none");
            }
        }
        double[] omega = alphaWeights(alpha, p.epsilon());
        double[] w = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            w[l] = omega[l] * ladders[l].denseCost / ladders[l].perRank;
        }
        return proportional(ladders, budget, w, "α-weighted break-even rank");
    }

    /** k_l = ⌊t·w_l⌋ with the largest t meeting the budget (exact over breakpoints k/w_l). */
    private static Outcome proportional(RankLadder[] ladders, long budget, double[] w, String what) {
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
        BudgetFit.StepValue v = (l, i) -> w[l] > 0 ? -ladders[l].rank(i) / w[l] : Double.NEGATIVE_INFINITY;
        return new Outcome(levels, v, List.of("k = t·(" + what + "), t = " + fmt(chosen[0])));
    }

    // ---- explained-variance pool (EVA) ----------------------------------------------------

    static Outcome explainedVariance(RankLadder[] ladders) {
        BudgetFit.StepValue v = (l, i) -> {
            RankLadder r = ladders[l];
            if (r.totalEnergy() == 0) {
                return 0;
            }
            int k = r.rank(i);
            if (r.isDense(i + 1)) {
                double s = k < r.p ? r.input.sigma(k) : 0;
                return s * s / r.totalEnergy();
            }
            return (r.cumulative(r.rank(i + 1)) - r.cumulative(k)) / r.totalEnergy();
        };
        return new Outcome(new int[ladders.length], v, List.of());
    }

    /** Growable primitive list for breakpoint candidates (no boxing of ~10^6 values). */
    private static final class DoubleBuffer {
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

    static String levelsToString(RankLadder[] ladders, int[] levels) {
        int[] ranks = new int[levels.length];
        for (int l = 0; l < levels.length; l++) {
            ranks[l] = ladders[l].isDense(levels[l]) ? -1 : ladders[l].rank(levels[l]);
        }
        return Arrays.toString(ranks);
    }
}
