package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * explained-variance pool, EVA-style weights-only (SPEC §4): every matrix's normalised
 * σ_i²/Σσ² go into one pool, taken in descending order while they fit the budget (entries that no
 * longer fit are skipped). With a rank multiple, a step's value is the sum over its directions;
 * the switch to dense is valued by its next direction only.
 */
public record ExplainedVarianceParameters() implements StrategyParameters {
    public static final String NAME = "explained-variance";
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "pool of explained-variance ratios (EVA, weights only)", ExplainedVarianceParameters.class);

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    /** Starts every matrix at its lowest level; the shared fill then takes the pool in order. */
    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        StrategyOutcome.StepValue v = (l, i) -> {
            RankLadder r = ladders[l];
            if (r.totalEnergy() == 0) {
                return 0;
            }
            int k = r.rank(i);
            if (r.isDense(i + 1)) {
                double s = k < r.p ? r.input.sigma(k) : 0;
                return s * s / r.totalEnergy();
            }
            return (r.cumulative(r.rank(i + 1)) - r.cumulative(k)) / r.totalEnergy();
        };
        return new StrategyOutcome(new int[ladders.length], v, List.of());
    }
}
