package dev.rankscope.analysis.allocation;

import java.util.List;
import java.util.Objects;

/**
 * global-optimal (SPEC §4): minimise Σ_l E_l(k_l) subject to Σ_l cost_l(k_l) ≤ budget, with
 * E_l(k) = Σ_{i>k} σ_i² (raw) or that divided by ‖W_l‖²_F (normalised); cost k(m+n) below
 * break-even, mn dense (E = 0) when {@link Constraints#allowDense()}. A multiple-choice knapsack,
 * solved exactly by dynamic programming over cost units (costs divided by their GCD) when that
 * needs at most {@code exactWorkLimit} cell updates; larger instances get a Lagrangian sweep whose
 * reduced costs fix most levels out, and the same exact programme on the levels that remain. Only
 * when even that exceeds the limit is the Lagrangian incumbent returned, and the plan's notes then
 * state the proven optimality gap.
 *
 * @param objective      raw or normalised discarded energy
 * @param exactWorkLimit most DP cell updates (options × cost units) to spend on the exact solve, ≥ 0
 */
public record GlobalOptimalParameters(Objective objective, long exactWorkLimit) implements StrategyParameters {
    public static final String NAME = "global-optimal";

    /**
     * Default cap on DP cell updates: a few seconds of arithmetic, enough to solve 7B-scale models
     * (224 matrices) exactly after reduced-cost fixing.
     */
    public static final long DEFAULT_EXACT_WORK_LIMIT = 1_500_000_000L;

    /** What is summed over matrices. */
    public enum Objective {
        /** Σ_{i>k} σ_i²: large matrices dominate. */
        RAW_ENERGY,
        /** Σ_{i>k} σ_i² / ‖W‖²_F: every matrix counts equally. */
        NORMALISED_ENERGY
    }

    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "least total discarded energy", GlobalOptimalParameters.class,
            StrategyParameter.choice("objective", "objective", Objective.NORMALISED_ENERGY, List.of(
                            new StrategyParameter.Choice(Objective.RAW_ENERGY, "raw", List.of()),
                            new StrategyParameter.Choice(Objective.NORMALISED_ENERGY, "normalized",
                                    List.of("normalised"))),
                    "raw: Σ discarded σ² (large matrices dominate); normalized: each matrix's share of its ‖W‖²"),
            StrategyParameter.integer("exactWorkLimit", "exact work limit", DEFAULT_EXACT_WORK_LIMIT,
                    StrategyParameter.Range.atLeast(0),
                    "most dynamic-programming cell updates for the exact solve (beyond it: Lagrangian with a stated gap)"));

    public GlobalOptimalParameters {
        Objects.requireNonNull(objective, "objective");
        if (exactWorkLimit < 0) {
            throw new IllegalArgumentException("exact work limit must be ≥ 0, got " + exactWorkLimit);
        }
    }

    /** Normalised energy, default work limit. */
    public static GlobalOptimalParameters defaults() {
        return (GlobalOptimalParameters) DESCRIPTION.defaults();
    }

    public static GlobalOptimalParameters of(Objective objective) {
        return new GlobalOptimalParameters(objective, DEFAULT_EXACT_WORK_LIMIT);
    }

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public String describe() {
        return "least total discarded energy (" + (objective == Objective.RAW_ENERGY ? "raw" : "normalised") + ")";
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        GlobalOptimalSolver.Result res = GlobalOptimalSolver.solve(ladders, budget, objective, exactWorkLimit);
        StrategyOutcome.StepValue v = (l, i) -> {
            double dv = GlobalOptimalSolver.value(ladders[l], i, objective)
                    - GlobalOptimalSolver.value(ladders[l], i + 1, objective);
            return dv / ladders[l].stepCost(i);
        };
        return new StrategyOutcome(res.levels(), v, List.of(res.describe()));
    }
}
