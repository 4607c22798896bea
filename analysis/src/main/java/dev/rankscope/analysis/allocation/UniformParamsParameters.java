package dev.rankscope.analysis.allocation;

/**
 * uniform-params (SPEC §4): every eligible matrix keeps the same share of its parameters,
 * {@code k = ⌊mn(1−c)/(m+n)⌋} with c = 1 − budget/eligible parameters; leftover budget goes to
 * the matrices with the lowest kept share. Check: c = 0.2, 4096×11008 → k = 2388.
 */
public record UniformParamsParameters() implements StrategyParameters {
    public static final String NAME = "uniform-params";

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "same kept share of parameters in every matrix";
    }
}
