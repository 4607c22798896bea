package dev.rankscope.analysis.allocation;

/**
 * energy (SPEC §4): each matrix keeps the smallest k whose retained energy Σ_{i≤k}σ²/Σσ² is at
 * least a global τ; τ is the largest value meeting the budget, found by exact binary search over
 * the finite set of breakpoints (the matrices' cumulative-energy values). Leftover budget goes to
 * the matrices with the lowest retained energy.
 */
public record EnergyParameters() implements StrategyParameters {
    public static final String NAME = "energy";

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "same retained energy τ in every matrix";
    }
}
