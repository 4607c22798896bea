package dev.rankscope.analysis.allocation;

/**
 * alpha-proportional, AlphaPruning-style (SPEC §4; Lu et al. 2024): the power-law α of each
 * matrix is mapped linearly to a weight ω ∈ [1−ε, 1+ε], heavier tails (smaller α, better trained)
 * getting more: {@code ω_l = 1 + ε·(1 − 2(α_l − α_min)/(α_max − α_min))} (1 when all α agree).
 * The kept share of parameters is proportional to ω: {@code k_l = ⌊t·ω_l·mn/(m+n)⌋}, t the
 * largest scale meeting the budget. Needs α for every eligible matrix.
 *
 * @param epsilon spread of the weights, in [0, 1)
 */
public record AlphaParameters(double epsilon) implements StrategyParameters {
    public static final String NAME = "alpha";

    public AlphaParameters {
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1), got " + epsilon);
        }
    }

    /** ε = 0.3. */
    public static AlphaParameters defaults() {
        return new AlphaParameters(0.3);
    }

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "kept share proportional to an α-based weight (AlphaPruning)";
    }
}
