package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * Which allocation strategy to run and how (SPEC §4). One record per strategy; each validates in
 * its compact constructor. The same record drives the UI form, the CLI and the provenance in
 * exported plans ({@code "strategy": {"name", "parameters"}}).
 *
 * <p>Every strategy yields one integer rank (or dense) per eligible matrix obeying the
 * {@link Constraints}, keeps the total cost within the {@link Budget}, and leaves less of the
 * budget unused than the cheapest remaining step (the next allowed rank of any matrix, or its
 * switch to dense).
 */
public sealed interface StrategyParameters permits UniformParamsParameters, UniformRankParameters,
        EnergyParameters, GlobalOptimalParameters, EffectiveRankParameters, WeLoreParameters,
        StableRankParameters, AlphaParameters, ExplainedVarianceParameters {

    /** Stable strategy name used in plan JSON and on the command line. */
    String strategyName();

    /** One-line description for forms and help. */
    String describe();

    /** Every strategy name, in menu order. */
    static List<String> names() {
        return List.of(UniformParamsParameters.NAME, UniformRankParameters.NAME, EnergyParameters.NAME,
                GlobalOptimalParameters.NAME, EffectiveRankParameters.NAME, WeLoreParameters.NAME,
                StableRankParameters.NAME, AlphaParameters.NAME, ExplainedVarianceParameters.NAME);
    }

    /** The parameter record class for a strategy name. */
    static Class<? extends StrategyParameters> typeOf(String name) {
        return switch (name) {
            case UniformParamsParameters.NAME -> UniformParamsParameters.class;
            case UniformRankParameters.NAME -> UniformRankParameters.class;
            case EnergyParameters.NAME -> EnergyParameters.class;
            case GlobalOptimalParameters.NAME -> GlobalOptimalParameters.class;
            case EffectiveRankParameters.NAME -> EffectiveRankParameters.class;
            case WeLoreParameters.NAME -> WeLoreParameters.class;
            case StableRankParameters.NAME -> StableRankParameters.class;
            case AlphaParameters.NAME -> AlphaParameters.class;
            case ExplainedVarianceParameters.NAME -> ExplainedVarianceParameters.class;
            default -> throw new IllegalArgumentException("unknown allocation strategy '" + name
                    + "' (known: " + String.join(", ", names()) + ")");
        };
    }

    /** Default parameters for a strategy name. */
    static StrategyParameters defaultsFor(String name) {
        return switch (name) {
            case UniformParamsParameters.NAME -> new UniformParamsParameters();
            case UniformRankParameters.NAME -> new UniformRankParameters();
            case EnergyParameters.NAME -> new EnergyParameters();
            case GlobalOptimalParameters.NAME -> GlobalOptimalParameters.defaults();
            case EffectiveRankParameters.NAME -> new EffectiveRankParameters();
            case WeLoreParameters.NAME -> WeLoreParameters.defaults();
            case StableRankParameters.NAME -> new StableRankParameters();
            case AlphaParameters.NAME -> AlphaParameters.defaults();
            case ExplainedVarianceParameters.NAME -> new ExplainedVarianceParameters();
            default -> throw new IllegalArgumentException("unknown allocation strategy '" + name
                    + "' (known: " + String.join(", ", names()) + ")");
        };
    }
}
