package dev.rankscope.analysis.allocation;

/**
 * uniform-rank (SPEC §4): every matrix drops the same share c of its rank, {@code k = p − ⌊c·p⌋};
 * c is the smallest value meeting the budget (exact search over the breakpoints j/p), then
 * leftover budget goes to the matrices with the lowest k/p.
 */
public record UniformRankParameters() implements StrategyParameters {
    public static final String NAME = "uniform-rank";

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "same share of rank dropped in every matrix";
    }
}
