package dev.rankscope.analysis.allocation;

/**
 * The choices one eligible matrix has under the {@link Constraints} (SPEC §4), as an ordered
 * list of levels: levels {@code 0..factorisedLevels-1} are the allowed factorised ranks
 * {@code kMin, kMin+q, …} (q = rank multiple, all strictly below break-even mn/(m+n), at most
 * min(maxRank, p)); the last level, when dense is allowed, is the dense matrix. Cost strictly
 * increases and discarded energy never increases with the level.
 *
 * <p>Strategies ({@link StrategyParameters#allocate}) read ladders; only {@link Allocator} builds
 * them. Immutable; holds prefix sums of σ² so energy queries are O(1); any thread.
 */
public final class RankLadder {
    final AllocationInput input;
    final int m;
    final int n;
    final int p;
    final long denseCost;
    final long perRank;
    final int kMin;
    final int multiple;
    final int factorisedLevels;
    final boolean denseAllowed;
    /** cum[k] = Σ_{i<k} σ_i², length p+1. */
    private final double[] cum;

    /**
     * @param extraMaxRank a strategy's own cap on factorised ranks (WeLore's LRC rule), or
     *                     {@link Integer#MAX_VALUE}
     */
    RankLadder(AllocationInput input, Constraints c, int extraMaxRank) {
        this.input = input;
        this.m = input.rows();
        this.n = input.cols();
        this.p = input.fullRank();
        this.denseCost = (long) m * n;
        this.perRank = (long) m + n;
        this.multiple = c.rankMultiple();
        long maxBelowBreakEven = (denseCost - 1) / perRank;   // largest k with k(m+n) < mn
        long cap = Math.min(Math.min(c.maxRank(), p), Math.min(maxBelowBreakEven, extraMaxRank));
        long lo = ceilToMultiple(c.minRank(), multiple);
        long hi = cap < 0 ? -1 : (cap / multiple) * multiple;
        this.kMin = (int) Math.min(lo, Integer.MAX_VALUE);
        this.factorisedLevels = hi >= lo ? (int) ((hi - lo) / multiple + 1) : 0;
        this.denseAllowed = c.allowDense() || factorisedLevels == 0;
        this.cum = new double[p + 1];
        for (int i = 0; i < p; i++) {
            double s = input.sigma(i);
            cum[i + 1] = cum[i] + s * s;
        }
    }

    private static long ceilToMultiple(long v, int q) {
        return ((v + q - 1) / q) * q;
    }

    /** The matrix this ladder belongs to (id, shape, spectrum, optional metrics). */
    public AllocationInput input() {
        return input;
    }

    /** Full rank p = min(m, n). */
    public int fullRank() {
        return p;
    }

    /** Parameters of the dense matrix, m·n. */
    public long denseCost() {
        return denseCost;
    }

    /** Parameters per factorised rank, m + n. */
    public long costPerRank() {
        return perRank;
    }

    /** Number of levels (allowed factorised ranks, plus dense when allowed); ≥ 1. */
    public int levels() {
        return factorisedLevels + (denseAllowed ? 1 : 0);
    }

    /** The highest level (dense when allowed). */
    public int topLevel() {
        return levels() - 1;
    }

    /** Whether {@code level} is the dense matrix. */
    public boolean isDense(int level) {
        return level >= factorisedLevels;
    }

    /** The rank at a level; p for the dense level. */
    public int rank(int level) {
        return isDense(level) ? p : kMin + level * multiple;
    }

    /** Parameters kept at {@code level}: k(m+n), or mn when dense. */
    public long cost(int level) {
        return isDense(level) ? denseCost : (long) rank(level) * perRank;
    }

    /** Extra cost of moving from {@code level} to {@code level + 1}. */
    public long stepCost(int level) {
        return cost(level + 1) - cost(level);
    }

    /** ‖W‖²_F = Σσ². */
    public double totalEnergy() {
        return cum[p];
    }

    /** Σ_{i<k} σ_i². */
    public double cumulative(int k) {
        return cum[k];
    }

    /** E(k) = Σ_{i>k} σ_i² (0 for dense). */
    public double discarded(int level) {
        return isDense(level) ? 0 : cum[p] - cum[rank(level)];
    }

    /** Σ_{i≤k} σ²/Σσ² (1 for dense and for an all-zero matrix). */
    public double retained(int level) {
        if (isDense(level) || cum[p] == 0) {
            return 1;
        }
        return cum[rank(level)] / cum[p];
    }

    /** Discarded energy divided by ‖W‖²_F (0 for an all-zero matrix). */
    public double discardedNormalised(int level) {
        return cum[p] == 0 ? 0 : discarded(level) / cum[p];
    }

    /** How a requested rank between two allowed ranks is snapped. */
    public enum Snap { DOWN, UP, NEAREST }

    /**
     * The level for a requested rank k: snapped to the allowed ranks (clamped at the ends); a
     * request at or above break-even, or above the largest allowed rank when that is limited only
     * by break-even, gives the dense level when dense is allowed.
     */
    public int levelForRank(long k, Snap snap) {
        if (factorisedLevels == 0) {
            return 0;
        }
        k = Math.min(k, p);     // ranks above p mean "everything"; also keeps k·(m+n) from overflowing
        if (k * perRank >= denseCost && denseAllowed) {
            return factorisedLevels;
        }
        if (k <= kMin) {
            return 0;
        }
        long off = k - kMin;
        long lvl = switch (snap) {
            case DOWN -> off / multiple;
            case UP -> (off + multiple - 1) / multiple;
            case NEAREST -> (off + multiple / 2) / multiple;
        };
        if (lvl >= factorisedLevels) {
            return factorisedLevels - 1;
        }
        return (int) lvl;
    }
}
