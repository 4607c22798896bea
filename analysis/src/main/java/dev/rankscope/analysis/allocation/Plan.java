package dev.rankscope.analysis.allocation;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rank-allocation plan (SPEC §4–5): one decision per matrix plus provenance. Immutable; what
 * the plan exporters write ({@code dev.rankscope.analysis.plan}) and re-import.
 *
 * @param source      the checkpoint it was made for
 * @param strategy    strategy and its parameters
 * @param budget      the budget as the user gave it
 * @param scope       which matrices were eligible
 * @param constraints rank limits obeyed
 * @param created     when it was made
 * @param tool        what made it
 * @param matrices    one entry per input matrix, in input order
 * @param totals      sums over {@code matrices}
 * @param notes       solver facts for the user (e.g. the τ found, exactness of global-optimal)
 * @param dataAware   how calibration statistics shaped the spectra (SPEC §4), or null for a
 *                    weights-only plan
 */
public record Plan(PlanSource source, StrategyParameters strategy, Budget budget, Scope scope,
                   Constraints constraints, Instant created, ToolInfo tool, List<PlannedMatrix> matrices,
                   PlanTotals totals, List<String> notes, DataAwareness dataAware) {
    public Plan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(constraints, "constraints");
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(totals, "totals");
        matrices = List.copyOf(matrices);
        notes = List.copyOf(notes);
    }

    /** A plan without data-aware provenance (weights only). */
    public Plan(PlanSource source, StrategyParameters strategy, Budget budget, Scope scope, Constraints constraints,
                Instant created, ToolInfo tool, List<PlannedMatrix> matrices, PlanTotals totals, List<String> notes) {
        this(source, strategy, budget, scope, constraints, created, tool, matrices, totals, notes, null);
    }

    /** The same plan marked data-aware (its description is added to the notes). */
    public Plan withDataAwareness(DataAwareness awareness) {
        List<String> n = new java.util.ArrayList<>(notes);
        if (awareness != null) {
            n.add(awareness.describe());
        }
        return new Plan(source, strategy, budget, scope, constraints, created, tool, matrices, totals, n, awareness);
    }

    /** Whether the ranks were allocated on σ(W·S) and compressed weights are (W·S)_k·S⁻¹. */
    public boolean isDataAware() {
        return dataAware != null;
    }

    public String strategyName() {
        return strategy.strategyName();
    }

    public Plan withSource(PlanSource newSource) {
        return new Plan(newSource, strategy, budget, scope, constraints, created, tool, matrices, totals, notes, dataAware);
    }

    public Plan withTool(ToolInfo newTool) {
        return new Plan(source, strategy, budget, scope, constraints, created, newTool, matrices, totals, notes, dataAware);
    }

    public Plan withCreated(Instant when) {
        return new Plan(source, strategy, budget, scope, constraints, when, tool, matrices, totals, notes, dataAware);
    }

    /** The entry for a matrix id. */
    public Optional<PlannedMatrix> matrix(String id) {
        return matrices.stream().filter(m -> m.id().equals(id)).findFirst();
    }

    /** Matrices replaced by factors. */
    public List<PlannedMatrix> factorised() {
        return matrices.stream().filter(PlannedMatrix::factorised).toList();
    }
}
