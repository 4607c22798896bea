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
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "kept share proportional to an α-based weight (AlphaPruning)", AlphaParameters.class,
            StrategyParameter.real("epsilon", "epsilon", 0.3, StrategyParameter.Range.halfOpen(0, 1),
                    "spread of the α weights: ω in [1−ε, 1+ε], heavier tails keep more"));

    public AlphaParameters {
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("epsilon must be in [0, 1), got " + epsilon);
        }
    }

    /** ε = 0.3. */
    public static AlphaParameters defaults() {
        return (AlphaParameters) DESCRIPTION.defaults();
    }

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        double[] alpha = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            alpha[l] = ladders[l].input.alpha();
            if (Double.isNaN(alpha[l])) {
                throw new AllocationException("alpha-proportional allocation needs a power-law α for every "
                        + "matrix in scope, but " + ladders[l].input.id() + " has none");
            }
        }
        double[] omega = weights(alpha, epsilon);
        double[] w = new double[ladders.length];
        for (int l = 0; l < ladders.length; l++) {
            w[l] = omega[l] * ladders[l].denseCost / ladders[l].perRank;
        }
        return Strategies.proportional(ladders, budget, w, "α-weighted break-even rank");
    }

    /** AlphaPruning weights ω_l = 1 + ε·(1 − 2(α_l − α_min)/(α_max − α_min)), 1 when all α agree. */
    static double[] weights(double[] alpha, double epsilon) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double a : alpha) {
            min = Math.min(min, a);
            max = Math.max(max, a);
        }
        double[] w = new double[alpha.length];
        for (int l = 0; l < alpha.length; l++) {
            w[l] = max == min ? 1.0 : 1 + epsilon * (1 - 2 * (alpha[l] - min) / (max - min));
        }
        return w;
    }
}
