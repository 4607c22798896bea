package dev.rankscope.analysis.allocation;

/**
 * stable-rank proportional (SPEC §4): {@code k_l = ⌊t·sr_l⌋} with sr = Σσ²/σ₁², t the largest
 * scale meeting the budget (exact search over breakpoints k/sr_l); leftover budget goes to the
 * matrix with the lowest k/sr.
 */
public record StableRankParameters() implements StrategyParameters {
    public static final String NAME = "stable-rank";

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "ranks proportional to stable rank";
    }
}
