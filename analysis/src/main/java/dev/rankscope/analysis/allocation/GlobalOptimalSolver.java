package dev.rankscope.analysis.allocation;

import java.util.Locale;

/**
 * Exact solver for the global-optimal allocation (SPEC §4): a multiple-choice knapsack where
 * each matrix picks one level of its {@link RankLadder}, minimising Σ value_l(level) subject to
 * Σ cost_l(level) ≤ budget.
 *
 * <p>Method: costs are taken relative to level 0 and divided by the GCD g of all relative costs;
 * a dynamic programme over the resulting U = ⌊(budget − Σ cost_l(0)) / g⌋ units gives the exact
 * optimum in O(Σ_l levels_l · U) time and L·(U+1) ints of memory. When that exceeds the work
 * limit the solver falls back to a Lagrangian sweep (bisection on the multiplier λ, each matrix
 * minimising value + λ·cost) followed by a greedy fill; the best dual bound proves how far the
 * result can be from the optimum, and the result says so.
 */
final class GlobalOptimalSolver {
    /** Upper bound on the DP choice table (ints), independent of the work limit: ~100 MB. */
    static final long MAX_TABLE_CELLS = 25_000_000L;
    private static final int LAGRANGE_ITERATIONS = 200;

    private GlobalOptimalSolver() {
    }

    /**
     * @param levels     chosen level per matrix
     * @param exact      true when proven optimal
     * @param objective  Σ value at the chosen levels (before the caller's fill, which never increases it)
     * @param lowerBound best proven lower bound on the optimum (equals objective when exact)
     * @param method     how it was solved
     */
    record Result(int[] levels, boolean exact, double objective, double lowerBound, String method) {
        String describe() {
            return exact ? "solved exactly by " + method
                    : String.format(Locale.ROOT, "solved by %s; objective %.6g is within %.3g of the optimum",
                    method, objective, objective - lowerBound);
        }
    }

    static double value(RankLadder r, int level, GlobalOptimalParameters.Objective objective) {
        return objective == GlobalOptimalParameters.Objective.RAW_ENERGY ? r.discarded(level) : r.discardedNormalised(level);
    }

    static Result solve(RankLadder[] ladders, long budget, GlobalOptimalParameters.Objective objective, long workLimit) {
        int L = ladders.length;
        long base = BudgetFit.minimumCost(ladders);
        long spare = budget - base;
        if (spare < 0) {
            throw new AllocationException("budget is below the minimum the constraints allow");
        }
        long g = 0;
        long maxUnitsTotal = 0;
        for (RankLadder r : ladders) {
            for (int i = 1; i < r.levels(); i++) {
                g = gcd(g, r.cost(i) - r.cost(0));
            }
        }
        if (g == 0) {
            int[] zeros = new int[L];
            double obj = total(ladders, zeros, objective);
            return new Result(zeros, true, obj, obj, "enumeration (one choice per matrix)");
        }
        for (RankLadder r : ladders) {
            maxUnitsTotal += (r.cost(r.topLevel()) - r.cost(0)) / g;
        }
        long units = Math.min(spare / g, maxUnitsTotal);
        long work = 0;
        for (RankLadder r : ladders) {
            work += (long) r.levels() * (units + 1);
        }
        if (work <= workLimit && (long) L * (units + 1) <= MAX_TABLE_CELLS) {
            return dynamicProgramme(ladders, objective, g, (int) units);
        }
        return lagrangian(ladders, budget, objective);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return Math.abs(a);
    }

    static double total(RankLadder[] ladders, int[] levels, GlobalOptimalParameters.Objective objective) {
        double s = 0;
        for (int l = 0; l < ladders.length; l++) {
            s += value(ladders[l], levels[l], objective);
        }
        return s;
    }

    private static Result dynamicProgramme(RankLadder[] ladders, GlobalOptimalParameters.Objective objective,
                                           long g, int units) {
        int L = ladders.length;
        double[] prev = new double[units + 1];      // best value using matrices < l within u units
        double[] cur = new double[units + 1];
        int[][] choice = new int[L][units + 1];
        for (int l = 0; l < L; l++) {
            RankLadder r = ladders[l];
            int levels = r.levels();
            long[] d = new long[levels];
            double[] v = new double[levels];
            for (int i = 0; i < levels; i++) {
                d[i] = (r.cost(i) - r.cost(0)) / g;
                v[i] = value(r, i, objective);
            }
            int[] ch = choice[l];
            for (int u = 0; u <= units; u++) {
                double best = prev[u] + v[0];
                int arg = 0;
                for (int i = 1; i < levels && d[i] <= u; i++) {
                    double cand = prev[u - (int) d[i]] + v[i];
                    if (cand < best) {
                        best = cand;
                        arg = i;
                    }
                }
                cur[u] = best;
                ch[u] = arg;
            }
            double[] t = prev;
            prev = cur;
            cur = t;
        }
        int[] levels = new int[L];
        int u = units;
        for (int l = L - 1; l >= 0; l--) {
            int i = choice[l][u];
            levels[l] = i;
            u -= (int) ((ladders[l].cost(i) - ladders[l].cost(0)) / g);
        }
        double obj = total(ladders, levels, objective);
        return new Result(levels, true, obj, obj,
                "dynamic programming over " + units + " cost units of " + g + " parameters");
    }

    private static Result lagrangian(RankLadder[] ladders, long budget, GlobalOptimalParameters.Objective objective) {
        int L = ladders.length;
        int[] levels = new int[L];
        double[] bestDual = {Double.NEGATIVE_INFINITY};
        // λ = 0: the unconstrained optimum; if it fits it is exact.
        long cost0 = pick(ladders, 0, objective, levels, budget, bestDual);
        if (cost0 <= budget) {
            double obj = total(ladders, levels, objective);
            return new Result(levels, true, obj, obj, "Lagrangian relaxation (budget not binding)");
        }
        double hi = 0;
        for (RankLadder r : ladders) {
            for (int i = 1; i < r.levels(); i++) {
                double slope = (value(r, 0, objective) - value(r, i, objective)) / (r.cost(i) - r.cost(0));
                hi = Math.max(hi, slope);
            }
        }
        hi = hi * 2 + Double.MIN_NORMAL;
        double lo = 0;
        int[] feasible = new int[L];
        pick(ladders, hi, objective, feasible, budget, bestDual);
        int[] trial = new int[L];
        for (int it = 0; it < LAGRANGE_ITERATIONS && hi - lo > 0; it++) {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (pick(ladders, mid, objective, trial, budget, bestDual) <= budget) {
                hi = mid;
                System.arraycopy(trial, 0, feasible, 0, L);
            } else {
                lo = mid;
            }
        }
        // Greedy fill by value per cost (the caller fills again; here it sharpens the objective).
        BudgetFit.fillUp(ladders, feasible, budget,
                (l, i) -> (value(ladders[l], i, objective) - value(ladders[l], i + 1, objective)) / ladders[l].stepCost(i));
        double obj = total(ladders, feasible, objective);
        double lb = Math.min(obj, bestDual[0]);
        return new Result(feasible, obj - lb <= 0, obj, lb, "Lagrangian sweep with greedy repair");
    }

    /** Each matrix minimises value + λ·cost (ties to the cheaper level); updates the dual bound. */
    private static long pick(RankLadder[] ladders, double lambda, GlobalOptimalParameters.Objective objective,
                             int[] out, long budget, double[] bestDual) {
        long cost = 0;
        double dual = -lambda * budget;
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            double best = Double.POSITIVE_INFINITY;
            int arg = 0;
            for (int i = 0; i < r.levels(); i++) {
                double f = value(r, i, objective) + lambda * r.cost(i);
                if (f < best) {
                    best = f;
                    arg = i;
                }
            }
            out[l] = arg;
            cost += r.cost(arg);
            dual += best;
        }
        bestDual[0] = Math.max(bestDual[0], dual);
        return cost;
    }
}
