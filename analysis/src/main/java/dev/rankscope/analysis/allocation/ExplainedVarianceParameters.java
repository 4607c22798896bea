package dev.rankscope.analysis.allocation;

/**
 * explained-variance pool, EVA-style weights-only (SPEC §4): every matrix's normalised
 * σ_i²/Σσ² go into one pool, taken in descending order while they fit the budget (entries that no
 * longer fit are skipped). With a rank multiple, a step's value is the sum over its directions;
 * the switch to dense is valued by its next direction only.
 */
public record ExplainedVarianceParameters() implements StrategyParameters {
    public static final String NAME = "explained-variance";

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "pool of explained-variance ratios (EVA, weights only)";
    }
}
