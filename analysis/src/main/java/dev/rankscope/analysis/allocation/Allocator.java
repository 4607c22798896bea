package dev.rankscope.analysis.allocation;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Entry point of rank allocation (SPEC §4): turns spectra, a budget, a scope, constraints and a
 * strategy into a {@link Plan}. Pure apart from reading the clock for {@link Plan#created()};
 * inputs are not modified; safe to call from any thread.
 *
 * <p>Steps: (1) matrices in the {@link Scope} and not excluded are eligible, the rest stay dense
 * and are never counted; (2) the budget resolves to a parameter allowance B over the eligible
 * matrices; (3) each eligible matrix gets its allowed levels ({@link Constraints}, break-even);
 * (4) the strategy proposes a level per matrix; (5) a shared repair steps down while the cost
 * exceeds B and a fill steps up, in the strategy's own order, until no further step fits. So
 * every plan satisfies Σ cost ≤ B and leaves less unused than the cheapest remaining step.
 *
 * @throws AllocationException when B is below the least the constraints allow, ids repeat, or the
 *         strategy lacks an input (α)
 */
public final class Allocator {
    private Allocator() {
    }

    /** Break-even rank mn/(m+n) of SPEC §4 (4096×11008: 2985.22): factorising saves only below it. */
    public static double breakEven(int m, int n) {
        return (double) m * n / ((long) m + n);
    }

    /** Largest rank k with k(m+n) &lt; mn, i.e. the largest rank worth factorising (4096×11008: 2985). */
    public static long maxFactorisedRank(int m, int n) {
        return ((long) m * n - 1) / ((long) m + n);
    }

    /** {@link #plan(List, Budget, Scope, Constraints, StrategyParameters, Clock)} with the UTC clock. */
    public static Plan plan(List<AllocationInput> inputs, Budget budget, Scope scope, Constraints constraints,
                            StrategyParameters strategy) {
        return plan(inputs, budget, scope, constraints, strategy, Clock.systemUTC());
    }

    /**
     * Makes a plan. The result has {@link PlanSource#unknown()} and {@link ToolInfo#rankscope}
     * provenance; set the real ones with {@link Plan#withSource} / {@link Plan#withTool}.
     *
     * @param inputs      every matrix of the model (eligible or not), unique ids
     * @param clock       source of {@link Plan#created()}
     */
    public static Plan plan(List<AllocationInput> inputs, Budget budget, Scope scope, Constraints constraints,
                            StrategyParameters strategy, Clock clock) {
        Set<String> ids = new HashSet<>();
        for (AllocationInput in : inputs) {
            if (!ids.add(in.id())) {
                throw new AllocationException("matrix id '" + in.id() + "' appears twice in the allocation input");
            }
        }
        Predicate<AllocationInput> inScope = scope.matcher();
        List<Integer> eligibleIdx = new ArrayList<>();
        long eligibleParams = 0;
        for (int i = 0; i < inputs.size(); i++) {
            AllocationInput in = inputs.get(i);
            if (inScope.test(in) && !constraints.excludes(in)) {
                eligibleIdx.add(i);
                eligibleParams += in.params();
            }
        }
        long allowance = budget.paramAllowance(eligibleParams);
        RankLadder[] ladders = new RankLadder[eligibleIdx.size()];
        for (int l = 0; l < ladders.length; l++) {
            AllocationInput in = inputs.get(eligibleIdx.get(l));
            ladders[l] = new RankLadder(in, constraints, strategy.maxFactorisedRank(in.fullRank()));
        }
        List<String> notes = new ArrayList<>();
        int[] levels = new int[ladders.length];
        if (ladders.length == 0) {
            notes.add("no matrix is in scope; every matrix stays dense");
        } else {
            long min = BudgetFit.minimumCost(ladders);
            if (min > allowance) {
                throw new AllocationException("the budget allows " + allowance + " parameters in the "
                        + ladders.length + " matrices in scope, but the rank constraints need at least " + min
                        + " (lower the minimum rank or raise the budget)");
            }
            StrategyOutcome out = strategy.allocate(ladders, allowance);
            if (out.levels().length != ladders.length) {
                throw new IllegalStateException(strategy.strategyName() + " proposed " + out.levels().length
                        + " levels for " + ladders.length + " matrices");
            }
            levels = out.levels();
            for (int l = 0; l < levels.length; l++) {
                if (levels[l] < 0 || levels[l] >= ladders[l].levels()) {
                    throw new IllegalStateException(strategy.strategyName() + " proposed level " + levels[l]
                            + " for " + ladders[l].input.id() + ", which has " + ladders[l].levels());
                }
            }
            BudgetFit.repairDown(ladders, levels, allowance, out.stepValue());
            BudgetFit.fillUp(ladders, levels, allowance, out.stepValue());
            notes.addAll(out.notes());
        }
        return assemble(inputs, eligibleIdx, ladders, levels, allowance, budget, scope, constraints, strategy,
                clock, notes);
    }

    private static Plan assemble(List<AllocationInput> inputs, List<Integer> eligibleIdx, RankLadder[] ladders,
                                 int[] levels, long allowance, Budget budget, Scope scope, Constraints constraints,
                                 StrategyParameters strategy, Clock clock, List<String> notes) {
        int[] ladderOf = new int[inputs.size()];
        java.util.Arrays.fill(ladderOf, -1);
        for (int l = 0; l < eligibleIdx.size(); l++) {
            ladderOf[eligibleIdx.get(l)] = l;
        }
        boolean labels = strategy.labelsLowRankComponents();
        int bpp = budget.bytesPerParam();
        List<PlannedMatrix> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            AllocationInput in = inputs.get(i);
            int l = ladderOf[i];
            boolean eligible = l >= 0;
            boolean dense = !eligible || ladders[l].isDense(levels[l]);
            int rank = dense ? in.fullRank() : ladders[l].rank(levels[l]);
            long before = in.params();
            long after = dense ? before : (long) rank * (in.rows() + (long) in.cols());
            double total = in.totalEnergy();
            double tail = 0;
            for (int j = in.fullRank() - 1; j >= rank; j--) {
                tail += in.sigma(j) * in.sigma(j);
            }
            double retained = total == 0 ? 1 : Math.max(0, Math.min(1, 1 - tail / total));
            double relErr = total == 0 ? 0 : Math.sqrt(tail / total);
            LowRankLabel label = labels && eligible ? (dense ? LowRankLabel.N_LRC : LowRankLabel.LRC) : LowRankLabel.NONE;
            out.add(new PlannedMatrix(in.id(), in.moduleName(), in.layer(), in.module(), in.rows(), in.cols(),
                    in.dtype(), eligible, dense, rank, before, after, before * bpp, after * bpp, total, retained,
                    relErr, label));
        }
        return new Plan(PlanSource.unknown(), strategy, budget, scope, constraints, clock.instant(),
                ToolInfo.rankscope(""), out, PlanTotals.of(out, allowance), notes);
    }
}
