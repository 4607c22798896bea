package dev.rankscope.analysis.allocation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * For every strategy on random instances (SPEC §4): the plan never exceeds the budget, leaves less
 * unused than the cheapest remaining step, and obeys min/max rank, alignment and break-even.
 * Steps are recomputed here from first principles, independently of {@link RankLadder}.
 */
class BudgetComplianceTest {

    /** Cost of the next step up for a matrix, or Long.MAX_VALUE when it has none. */
    private static long nextStep(PlannedMatrix pm, Constraints c, StrategyParameters strategy) {
        if (pm.dense()) {
            return Long.MAX_VALUE;
        }
        long mn = (long) pm.rows() * pm.cols();
        long w = pm.rows() + (long) pm.cols();
        for (long k = pm.rank() + 1; k <= pm.fullRank(); k++) {
            if (k * w >= mn) {
                break;
            }
            if (strategy instanceof WeLoreParameters wl && (pm.fullRank() - k) / (double) pm.fullRank() <= wl.lrcDropShare()) {
                break; // WeLore factorises only low-rank components (dropped/p > share)
            }
            if (k % c.rankMultiple() == 0 && k >= c.minRank() && k <= c.maxRank()) {
                return (k - pm.rank()) * w;
            }
        }
        return c.allowDense() ? mn - pm.paramsAfter() : Long.MAX_VALUE;
    }

    static void assertCompliant(Plan plan, Constraints c, long budget, String ctx) {
        long used = 0;
        long cheapest = Long.MAX_VALUE;
        for (PlannedMatrix pm : plan.matrices()) {
            long mn = (long) pm.rows() * pm.cols();
            if (!pm.eligible()) {
                assertTrue(pm.dense(), ctx);
                assertEquals(mn, pm.paramsAfter(), ctx);
                continue;
            }
            used += pm.paramsAfter();
            if (pm.dense()) {
                assertEquals(mn, pm.paramsAfter(), ctx);
                assertEquals(pm.fullRank(), pm.rank(), ctx);
            } else {
                int k = pm.rank();
                assertEquals((long) k * (pm.rows() + pm.cols()), pm.paramsAfter(), ctx);
                assertTrue((long) k * (pm.rows() + pm.cols()) < mn, ctx + ": break-even violated by " + pm);
                assertEquals(0, k % c.rankMultiple(), ctx + ": alignment " + pm);
                assertTrue(k >= c.minRank() && k <= c.maxRank(), ctx + ": min/max " + pm);
                if (plan.strategy() instanceof WeLoreParameters w) {
                    assertTrue((pm.fullRank() - k) / (double) pm.fullRank() > w.lrcDropShare(), ctx + ": LRC " + pm);
                    assertEquals(LowRankLabel.LRC, pm.label(), ctx);
                }
            }
            cheapest = Math.min(cheapest, nextStep(pm, c, plan.strategy()));
        }
        assertEquals(used, plan.totals().eligibleParamsAfter(), ctx);
        assertTrue(used <= budget, ctx + ": used " + used + " > budget " + budget);
        if (cheapest != Long.MAX_VALUE) {
            assertTrue(budget - used < cheapest, ctx + ": unused " + (budget - used) + " ≥ cheapest step " + cheapest);
        }
    }

    @Test
    void everyStrategyMeetsItsBudgetOnRandomInstances() {
        for (StrategyParameters strategy : AllocationFixtures.allStrategies()) {
            int feasible = 0;
            for (int seed = 0; seed < 120; seed++) {
                Random rnd = new Random(seed * 31L + strategy.strategyName().hashCode());
                List<AllocationInput> inputs = AllocationFixtures.inputs(rnd, 1 + rnd.nextInt(7), 40);
                Constraints c = AllocationFixtures.randomConstraints(rnd);
                long dense = inputs.stream().mapToLong(AllocationInput::params).sum();
                Budget budget = rnd.nextBoolean()
                        ? Budget.keptFraction(0.02 + 0.98 * rnd.nextDouble())
                        : Budget.params((long) (dense * rnd.nextDouble()));
                long allowance = budget.paramAllowance(dense);
                String ctx = strategy.strategyName() + " seed " + seed;
                try {
                    Plan plan = Allocator.plan(inputs, budget, Scope.everything(), c, strategy);
                    assertCompliant(plan, c, allowance, ctx);
                    assertEquals(allowance, plan.totals().budgetParams(), ctx);
                    feasible++;
                } catch (AllocationException e) {
                    long min = 0;
                    for (AllocationInput in : inputs) {
                        min += new RankLadder(in, c, strategy.maxFactorisedRank(in.fullRank())).cost(0);
                    }
                    if (min <= allowance) {
                        fail(ctx + ": feasible budget rejected: " + e.getMessage());
                    }
                }
            }
            assertTrue(feasible > 60, strategy.strategyName() + ": only " + feasible + " feasible instances");
        }
    }

    @Test
    void largerInstanceStaysWithinBudgetForEveryStrategy() {
        Random rnd = new Random(7);
        List<AllocationInput> inputs = AllocationFixtures.inputs(rnd, 24, 120);
        Constraints c = Constraints.defaults().withMinRank(0).withRankMultiple(4);
        for (StrategyParameters strategy : AllocationFixtures.allStrategies()) {
            for (double f : new double[] {0.1, 0.45, 0.9}) {
                Plan plan = Allocator.plan(inputs, Budget.keptFraction(f), Scope.everything(), c, strategy);
                long dense = inputs.stream().mapToLong(AllocationInput::params).sum();
                assertCompliant(plan, c, Budget.keptFraction(f).paramAllowance(dense), strategy.strategyName() + " f=" + f);
            }
        }
    }
}
