package dev.rankscope.analysis.allocation;

import java.util.Locale;

/**
 * Exact solver for the global-optimal allocation (SPEC §4): a multiple-choice knapsack where
 * each matrix picks one level of its {@link RankLadder}, minimising Σ value_l(level) subject to
 * Σ cost_l(level) ≤ budget.
 *
 * <p>Method:
 * <ol>
 *   <li><b>Dynamic programme.</b> Costs are taken relative to each matrix's cheapest option and
 *   divided by the GCD g of all relative costs; a DP over U = ⌊spare / g⌋ units gives the exact
 *   optimum in O(Σ options · U) time and L·(U+1) ints. Used directly when that fits the work limit.</li>
 *   <li><b>Lagrangian sweep.</b> Otherwise bisection on λ ≥ 0 (each matrix minimises
 *   value + λ·cost) gives a feasible incumbent (then greedily filled) with objective Z and the dual
 *   bound D(λ) = Σ_l min_i(v_li + λ c_li) − λ·budget ≤ optimum.</li>
 *   <li><b>Exact repair by variable fixing.</b> For any feasible solution x,
 *   Σ v(x) ≥ D(λ) + Σ_l r_l(x_l) with reduced costs r_li = v_li + λc_li − min_j(v_lj + λc_lj) ≥ 0.
 *   So a solution better than Z uses only levels with r_li ≤ Z − D(λ). The DP of step 1 on those
 *   levels alone (usually a handful per matrix) is exact for the whole problem.</li>
 * </ol>
 * If even the reduced DP exceeds the work limit, the incumbent is returned with its proven gap.
 */
final class GlobalOptimalSolver {
    /** Upper bound on the DP choice table (shorts), independent of the work limit: ~120 MB. */
    static final long MAX_TABLE_CELLS = 60_000_000L;
    private static final int LAGRANGE_ITERATIONS = 200;
    /** Relative slack on the variable-fixing threshold, covering floating-point rounding of the sums. */
    private static final double FIXING_SLACK = 1e-9;

    private GlobalOptimalSolver() {
    }

    /**
     * @param levels     chosen level per matrix
     * @param exact      true when proven optimal
     * @param objective  Σ value at the chosen levels
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
        if (BudgetFit.minimumCost(ladders) > budget) {
            throw new AllocationException("budget is below the minimum the constraints allow");
        }
        int[][] all = new int[ladders.length][];
        for (int l = 0; l < ladders.length; l++) {
            all[l] = range(ladders[l].levels());
        }
        int[] direct = dynamicProgramme(ladders, objective, all, budget, workLimit);
        if (direct != null) {
            double obj = total(ladders, direct, objective);
            return new Result(direct, true, obj, obj, "dynamic programming over " + describeUnits(ladders, all, budget));
        }
        return lagrangianWithFixing(ladders, budget, objective, workLimit);
    }

    private static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
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

    /** Scaling facts of a DP: units and unit size. */
    private static String describeUnits(RankLadder[] ladders, int[][] options, long budget) {
        long[] gu = scaling(ladders, options, budget);
        return gu[1] + " cost units of " + gu[0] + " parameters";
    }

    /** {g, units} for a DP over the given options (g = 0 when every matrix has one option). */
    private static long[] scaling(RankLadder[] ladders, int[][] options, long budget) {
        long g = 0;
        long base = 0;
        long range = 0;
        for (int l = 0; l < ladders.length; l++) {
            long c0 = ladders[l].cost(options[l][0]);
            base += c0;
            for (int i = 1; i < options[l].length; i++) {
                g = gcd(g, ladders[l].cost(options[l][i]) - c0);
            }
            range += ladders[l].cost(options[l][options[l].length - 1]) - c0;
        }
        if (g == 0) {
            return new long[] {0, 0};
        }
        long spare = budget - base;
        return new long[] {g, Math.max(0, Math.min(spare, range) / g)};
    }

    /**
     * Exact DP over the given options per matrix (level indices ascending in cost). Returns the
     * chosen levels, or null when the work or the table would exceed the limits.
     */
    static int[] dynamicProgramme(RankLadder[] ladders, GlobalOptimalParameters.Objective objective,
                                  int[][] options, long budget, long workLimit) {
        int L = ladders.length;
        long base = 0;
        for (int l = 0; l < L; l++) {
            base += ladders[l].cost(options[l][0]);
        }
        if (base > budget) {
            throw new IllegalStateException("cheapest options exceed the budget");
        }
        long[] gu = scaling(ladders, options, budget);
        long g = gu[0];
        if (g == 0) {
            int[] levels = new int[L];
            for (int l = 0; l < L; l++) {
                levels[l] = options[l][0];
            }
            return levels;
        }
        long units = gu[1];
        long work = 0;
        for (int[] o : options) {
            work += (long) o.length * (units + 1);
        }
        int maxOptions = 0;
        for (int[] o : options) {
            maxOptions = Math.max(maxOptions, o.length);
        }
        if (work > workLimit || (long) L * (units + 1) > MAX_TABLE_CELLS || maxOptions > Short.MAX_VALUE) {
            return null;
        }
        int u1 = (int) units + 1;
        double[] prev = new double[u1];      // best value using matrices < l within u units
        double[] cur = new double[u1];
        short[][] choice = new short[L][u1];   // index into options[l]
        for (int l = 0; l < L; l++) {
            RankLadder r = ladders[l];
            int[] opt = options[l];
            long c0 = r.cost(opt[0]);
            long[] d = new long[opt.length];
            double[] v = new double[opt.length];
            for (int i = 0; i < opt.length; i++) {
                d[i] = (r.cost(opt[i]) - c0) / g;
                v[i] = value(r, opt[i], objective);
            }
            short[] ch = choice[l];
            for (int u = 0; u < u1; u++) {
                double best = prev[u] + v[0];
                int arg = 0;
                for (int i = 1; i < opt.length && d[i] <= u; i++) {
                    double cand = prev[u - (int) d[i]] + v[i];
                    if (cand < best) {
                        best = cand;
                        arg = i;
                    }
                }
                cur[u] = best;
                ch[u] = (short) arg;
            }
            double[] t = prev;
            prev = cur;
            cur = t;
        }
        int[] levels = new int[L];
        int u = (int) units;
        for (int l = L - 1; l >= 0; l--) {
            int i = choice[l][u];
            levels[l] = options[l][i];
            u -= (int) ((ladders[l].cost(options[l][i]) - ladders[l].cost(options[l][0])) / g);
        }
        return levels;
    }

    /** Lagrangian incumbent, then the exact DP on levels that survive reduced-cost fixing. */
    static Result lagrangianWithFixing(RankLadder[] ladders, long budget, GlobalOptimalParameters.Objective objective,
                                       long workLimit) {
        int L = ladders.length;
        double[] best = {Double.NEGATIVE_INFINITY, 0};   // {dual bound, its λ}
        int[] levels = new int[L];
        if (pick(ladders, 0, objective, levels, budget, best) <= budget) {
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
        int[] incumbent = new int[L];
        pick(ladders, hi, objective, incumbent, budget, best);
        int[] trial = new int[L];
        for (int it = 0; it < LAGRANGE_ITERATIONS; it++) {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) {
                break;
            }
            if (pick(ladders, mid, objective, trial, budget, best) <= budget) {
                hi = mid;
                System.arraycopy(trial, 0, incumbent, 0, L);
            } else {
                lo = mid;
            }
        }
        BudgetFit.fillUp(ladders, incumbent, budget,
                (l, i) -> (value(ladders[l], i, objective) - value(ladders[l], i + 1, objective)) / ladders[l].stepCost(i));
        double z = total(ladders, incumbent, objective);
        double dual = best[0];
        double lambda = best[1];
        if (z - dual <= 0) {
            return new Result(incumbent, true, z, z, "Lagrangian sweep (zero duality gap)");
        }
        double threshold = (z - dual) + FIXING_SLACK * (Math.abs(z) + Math.abs(dual) + lambda * budget);
        int[][] kept = new int[L][];
        int keptCount = 0;
        for (int l = 0; l < L; l++) {
            RankLadder r = ladders[l];
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < r.levels(); i++) {
                min = Math.min(min, value(r, i, objective) + lambda * r.cost(i));
            }
            int[] buf = new int[r.levels()];
            int n = 0;
            for (int i = 0; i < r.levels(); i++) {
                if (value(r, i, objective) + lambda * r.cost(i) - min <= threshold || i == incumbent[l]) {
                    buf[n++] = i;
                }
            }
            kept[l] = java.util.Arrays.copyOf(buf, n);
            keptCount += n;
        }
        int[] exact = dynamicProgramme(ladders, objective, kept, budget, workLimit);
        if (exact != null) {
            double obj = total(ladders, exact, objective);
            if (obj <= z) {
                return new Result(exact, true, obj, obj, "Lagrangian sweep, reduced-cost fixing (" + keptCount
                        + " of the levels remain) and dynamic programming over " + describeUnits(ladders, kept, budget));
            }
        }
        long[] gu = scaling(ladders, kept, budget);
        long work = 0;
        for (int[] o : kept) {
            work += (long) o.length * (gu[1] + 1);
        }
        return new Result(incumbent, false, z, Math.min(z, dual), "Lagrangian sweep with greedy repair ("
                + keptCount + " levels survive reduced-cost fixing; an exact programme over them needs " + work
                + " cell updates, above the limit " + workLimit + ")");
    }

    /** Each matrix minimises value + λ·cost (ties to the cheaper level); updates the best dual bound and its λ. */
    private static long pick(RankLadder[] ladders, double lambda, GlobalOptimalParameters.Objective objective,
                             int[] out, long budget, double[] best) {
        long cost = 0;
        double dual = -lambda * budget;
        for (int l = 0; l < ladders.length; l++) {
            RankLadder r = ladders[l];
            double min = Double.POSITIVE_INFINITY;
            int arg = 0;
            for (int i = 0; i < r.levels(); i++) {
                double f = value(r, i, objective) + lambda * r.cost(i);
                if (f < min) {
                    min = f;
                    arg = i;
                }
            }
            out[l] = arg;
            cost += r.cost(arg);
            dual += min;
        }
        if (dual > best[0]) {
            best[0] = dual;
            best[1] = lambda;
        }
        return cost;
    }
}
