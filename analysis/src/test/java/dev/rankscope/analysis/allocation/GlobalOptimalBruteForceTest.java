package dev.rankscope.analysis.allocation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property test: on many seeded small random instances the global-optimal plan's objective equals
 * the brute-force minimum over every combination of allowed ranks (and dense), SPEC §4.
 */
class GlobalOptimalBruteForceTest {

    /** Independent enumeration: allowed outcomes per matrix computed from first principles. */
    private static double bruteForce(List<AllocationInput> inputs, Constraints c, long budget,
                                     GlobalOptimalParameters.Objective obj) {
        int L = inputs.size();
        long[][] costs = new long[L][];
        double[][] values = new double[L][];
        for (int l = 0; l < L; l++) {
            AllocationInput in = inputs.get(l);
            int m = in.rows();
            int n = in.cols();
            int p = in.fullRank();
            double total = in.totalEnergy();
            java.util.List<long[]> opts = new java.util.ArrayList<>();
            java.util.List<Double> vals = new java.util.ArrayList<>();
            for (int k = 0; k <= p; k++) {
                boolean allowed = k % c.rankMultiple() == 0 && k >= c.minRank() && k <= c.maxRank()
                        && (long) k * (m + n) < (long) m * n;
                if (allowed) {
                    double e = 0;
                    for (int i = k; i < p; i++) {
                        e += in.sigma(i) * in.sigma(i);
                    }
                    opts.add(new long[] {(long) k * (m + n)});
                    vals.add(obj == GlobalOptimalParameters.Objective.RAW_ENERGY ? e : (total == 0 ? 0 : e / total));
                }
            }
            if (c.allowDense() || opts.isEmpty()) {
                opts.add(new long[] {(long) m * n});
                vals.add(0.0);
            }
            costs[l] = opts.stream().mapToLong(a -> a[0]).toArray();
            values[l] = vals.stream().mapToDouble(Double::doubleValue).toArray();
        }
        return enumerate(costs, values, 0, budget, 0);
    }

    private static double enumerate(long[][] costs, double[][] values, int l, long left, double acc) {
        if (l == costs.length) {
            return acc;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < costs[l].length; i++) {
            if (costs[l][i] <= left) {
                best = Math.min(best, enumerate(costs, values, l + 1, left - costs[l][i], acc + values[l][i]));
            }
        }
        return best;
    }

    private static double planObjective(Plan plan, GlobalOptimalParameters.Objective obj) {
        double s = 0;
        for (PlannedMatrix m : plan.matrices()) {
            if (m.eligible()) {
                s += obj == GlobalOptimalParameters.Objective.RAW_ENERGY
                        ? m.discardedEnergy() : m.relativeError() * m.relativeError();
            }
        }
        return s;
    }

    @Test
    void exactSolverEqualsBruteForceOnRandomInstances() {
        int checked = 0;
        for (int seed = 0; seed < 400; seed++) {
            Random rnd = new Random(seed);
            List<AllocationInput> inputs = AllocationFixtures.inputs(rnd, 1 + rnd.nextInt(4), 9);
            Constraints c = AllocationFixtures.randomConstraints(rnd);
            GlobalOptimalParameters.Objective obj = rnd.nextBoolean()
                    ? GlobalOptimalParameters.Objective.RAW_ENERGY : GlobalOptimalParameters.Objective.NORMALISED_ENERGY;
            long dense = inputs.stream().mapToLong(AllocationInput::params).sum();
            long budget = (long) (dense * rnd.nextDouble() * 1.1);
            Plan plan;
            try {
                plan = Allocator.plan(inputs, Budget.params(budget), Scope.everything(), c,
                        GlobalOptimalParameters.of(obj));
            } catch (AllocationException infeasible) {
                assertEquals(Double.POSITIVE_INFINITY, bruteForce(inputs, c, budget, obj), "seed " + seed);
                continue;
            }
            double expected = bruteForce(inputs, c, budget, obj);
            double actual = planObjective(plan, obj);
            assertEquals(expected, actual, 1e-9 * Math.max(1, Math.abs(expected)), "seed " + seed + " " + plan.notes());
            assertTrue(plan.totals().eligibleParamsAfter() <= budget, "seed " + seed);
            assertTrue(plan.notes().get(0).startsWith("solved exactly"), plan.notes().toString());
            checked++;
        }
        assertTrue(checked > 150, "most random instances are feasible: " + checked);
    }

    @Test
    void lagrangianFallbackIsFeasibleAndReportsAValidGap() {
        for (int seed = 0; seed < 150; seed++) {
            Random rnd = new Random(1000 + seed);
            List<AllocationInput> inputs = AllocationFixtures.inputs(rnd, 2 + rnd.nextInt(3), 9);
            Constraints c = AllocationFixtures.randomConstraints(rnd);
            long dense = inputs.stream().mapToLong(AllocationInput::params).sum();
            long budget = (long) (dense * (0.2 + 0.8 * rnd.nextDouble()));
            GlobalOptimalParameters.Objective obj = GlobalOptimalParameters.Objective.RAW_ENERGY;
            Plan plan;
            try {
                plan = Allocator.plan(inputs, Budget.params(budget), Scope.everything(), c,
                        new GlobalOptimalParameters(obj, 0));
            } catch (AllocationException infeasible) {
                continue;
            }
            double best = bruteForce(inputs, c, budget, obj);
            double got = planObjective(plan, obj);
            assertTrue(got >= best - 1e-9 * Math.max(1, best), "seed " + seed + ": not below the optimum");
            assertTrue(plan.totals().eligibleParamsAfter() <= budget);
            String note = plan.notes().get(0);
            if (note.contains("within")) {
                double gap = Double.parseDouble(note.substring(note.indexOf("within ") + 7, note.indexOf(" of the")));
                assertTrue(got - best <= gap * (1 + 1e-6) + 1e-9, "seed " + seed + ": gap " + gap + " < " + (got - best));
            } else {
                assertEquals(best, got, 1e-9 * Math.max(1, best), "seed " + seed + ": claimed exact");
            }
        }
    }

    @Test
    void lagrangianWithReducedCostFixingIsExactOnRandomInstances() {
        int exact = 0;
        for (int seed = 0; seed < 500; seed++) {
            Random rnd = new Random(5000 + seed);
            List<AllocationInput> inputs = AllocationFixtures.inputs(rnd, 1 + rnd.nextInt(4), 9);
            Constraints c = AllocationFixtures.randomConstraints(rnd);
            GlobalOptimalParameters.Objective obj = rnd.nextBoolean()
                    ? GlobalOptimalParameters.Objective.RAW_ENERGY : GlobalOptimalParameters.Objective.NORMALISED_ENERGY;
            RankLadder[] ladders = inputs.stream().map(in -> new RankLadder(in, c, Integer.MAX_VALUE))
                    .toArray(RankLadder[]::new);
            long dense = inputs.stream().mapToLong(AllocationInput::params).sum();
            long budget = (long) (dense * rnd.nextDouble());
            if (BudgetFit.minimumCost(ladders) > budget) {
                continue;
            }
            GlobalOptimalSolver.Result res = GlobalOptimalSolver.lagrangianWithFixing(ladders, budget, obj, Long.MAX_VALUE);
            double expected = bruteForce(inputs, c, budget, obj);
            assertTrue(res.exact(), "seed " + seed + " " + res.describe());
            assertEquals(expected, res.objective(), 1e-9 * Math.max(1, expected), "seed " + seed + " " + res.describe());
            assertTrue(BudgetFit.cost(ladders, res.levels()) <= budget);
            exact++;
        }
        assertTrue(exact > 180, "checked " + exact);
    }

    @Test
    void midSizedInstanceTakesTheFixingPathAndMatchesTheFullProgramme() {
        java.util.List<AllocationInput> inputs = new java.util.ArrayList<>();
        Random rnd = new Random(11);
        for (int l = 0; l < 8; l++) {
            int[][] shapes = {{96, 96}, {256, 96}};
            for (int[] s : shapes) {
                double[] sigma = AllocationFixtures.spectrum(rnd, Math.min(s[0], s[1]));
                inputs.add(AllocationInput.of("m" + l + "x" + s[0], "m" + l + "x" + s[0], l,
                        dev.rankscope.analysis.naming.ModuleType.Q, s[0], s[1], sigma));
            }
        }
        Constraints c = Constraints.defaults();
        RankLadder[] ladders = inputs.stream().map(in -> new RankLadder(in, c, Integer.MAX_VALUE)).toArray(RankLadder[]::new);
        long dense = inputs.stream().mapToLong(AllocationInput::params).sum();
        long budget = dense / 2;
        for (GlobalOptimalParameters.Objective obj : GlobalOptimalParameters.Objective.values()) {
            int[][] all = new int[ladders.length][];
            for (int l = 0; l < ladders.length; l++) {
                all[l] = java.util.stream.IntStream.range(0, ladders[l].levels()).toArray();
            }
            int[] full = GlobalOptimalSolver.dynamicProgramme(ladders, obj, all, budget, Long.MAX_VALUE);
            double optimum = GlobalOptimalSolver.total(ladders, full, obj);
            Plan plan = Allocator.plan(inputs, Budget.params(budget), Scope.everything(), c,
                    new GlobalOptimalParameters(obj, 1_000_000L));
            String note = plan.notes().get(0);
            assertTrue(note.contains("reduced-cost fixing"), note);
            double got = 0;
            for (PlannedMatrix m : plan.matrices()) {
                got += obj == GlobalOptimalParameters.Objective.RAW_ENERGY ? m.discardedEnergy()
                        : m.relativeError() * m.relativeError();
            }
            assertEquals(optimum, got, 1e-9 * Math.max(1, optimum), note);
        }
    }
}
