package dev.rankscope.analysis.allocation;

/**
 * WeLore (SPEC §4): per matrix σ̂ = (σ − σ_min)/(σ_max − σ_min) (all 1 when σ is constant),
 * drop #{σ̂ &lt; τ}; τ is global, the smallest value meeting the budget (exact search over the
 * σ̂ breakpoints). A matrix is a low-rank component (LRC) when dropped/p &gt;
 * {@code lrcDropShare}; otherwise it is N-LRC and kept dense. Leftover budget goes to the
 * factorised matrix whose next dropped σ̂ is largest.
 *
 * @param lrcDropShare dropped share of the rank above which a matrix is factorised, in [0, 1); WeLore uses 0.5
 */
public record WeLoreParameters(double lrcDropShare) implements StrategyParameters {
    public static final String NAME = "welore";

    public WeLoreParameters {
        if (!(lrcDropShare >= 0 && lrcDropShare < 1)) {
            throw new IllegalArgumentException("LRC drop share must be in [0, 1), got " + lrcDropShare);
        }
    }

    public static WeLoreParameters defaults() {
        return new WeLoreParameters(0.5);
    }

    @Override
    public String strategyName() {
        return NAME;
    }

    @Override
    public String describe() {
        return "WeLore: global threshold on normalised singular values";
    }
}
