package dev.rankscope.analysis.allocation;

import java.util.List;

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
    public static final StrategyDescription DESCRIPTION = StrategyDescription.of(NAME,
            "WeLore: global threshold on normalised singular values", WeLoreParameters.class,
            StrategyParameter.real("lrcDropShare", "lrc drop share", 0.5, StrategyParameter.Range.halfOpen(0, 1),
                    "a matrix is factorised (LRC) only when it drops more than this share of its rank"));

    public WeLoreParameters {
        if (!(lrcDropShare >= 0 && lrcDropShare < 1)) {
            throw new IllegalArgumentException("LRC drop share must be in [0, 1), got " + lrcDropShare);
        }
    }

    public static WeLoreParameters defaults() {
        return (WeLoreParameters) DESCRIPTION.defaults();
    }

    @Override
    public StrategyDescription description() {
        return DESCRIPTION;
    }

    /** Largest factorised rank WeLore allows: dropped/p &gt; share ⇔ k &lt; p(1 − share). */
    @Override
    public int maxFactorisedRank(int p) {
        return maxRank(p, lrcDropShare);
    }

    @Override
    public boolean labelsLowRankComponents() {
        return true;
    }

    @Override
    public StrategyOutcome allocate(RankLadder[] ladders, long budget) {
        double[][] hats = new double[ladders.length][];
        Strategies.DoubleBuffer cands = new Strategies.DoubleBuffer();
        cands.add(Math.nextUp(1.0));
        for (int l = 0; l < ladders.length; l++) {
            hats[l] = normalised(ladders[l].input);
            for (double h : hats[l]) {
                cands.add(h);
            }
        }
        double[] t = BudgetFit.distinctSorted(cands.toArray());
        double[] chosen = new double[1];
        int[] levels = BudgetFit.search(t, false, budget, ladders, idx -> {
            chosen[0] = t[idx];
            int[] lv = new int[ladders.length];
            for (int l = 0; l < ladders.length; l++) {
                RankLadder r = ladders[l];
                int dropped = dropped(hats[l], t[idx]);
                lv[l] = dropped / (double) r.p > lrcDropShare
                        ? r.levelForRank(r.p - dropped, RankLadder.Snap.UP)
                        : r.topLevel();
            }
            return lv;
        });
        StrategyOutcome.StepValue v = (l, i) -> {
            int k = ladders[l].rank(i);
            return k < hats[l].length ? hats[l][k] : 0;
        };
        return new StrategyOutcome(levels, v, List.of("τ = " + Strategies.fmt(chosen[0])
                + " (threshold on normalised σ)"));
    }

    /** σ̂ = (σ − σ_min)/(σ_max − σ_min), descending; all 1 when σ is constant. */
    static double[] normalised(AllocationInput in) {
        double max = in.sigma(0);
        double min = in.sigma(in.fullRank() - 1);
        double[] h = new double[in.fullRank()];
        for (int i = 0; i < h.length; i++) {
            h[i] = max == min ? 1.0 : (in.sigma(i) - min) / (max - min);
        }
        return h;
    }

    /** #{σ̂ &lt; τ} for descending σ̂. */
    static int dropped(double[] hat, double tau) {
        int lo = 0;
        int hi = hat.length;      // first index with hat < tau
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (hat[mid] < tau) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return hat.length - lo;
    }

    /** Largest factorised rank WeLore allows: dropped/p &gt; share ⇔ k &lt; p(1 − share). */
    static int maxRank(int p, double share) {
        long k = (long) Math.ceil(p * (1 - share)) - 1;
        while (k >= 0 && (p - k) / (double) p <= share) {
            k--;
        }
        while ((p - (k + 1)) / (double) p > share) {
            k++;
        }
        return (int) Math.max(-1, k);
    }
}
