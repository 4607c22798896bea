package dev.rankscope.analysis.allocation;

import java.util.Set;

/**
 * Limits every strategy obeys (SPEC §4). For an eligible m×n matrix with p = min(m, n) the
 * allowed factorised ranks are the multiples of {@code rankMultiple} in
 * [{@code minRank}, min({@code maxRank}, p)] that lie strictly below break-even
 * mn/(m+n); the matrix may otherwise stay dense (cost mn, no error) when {@code allowDense}.
 * Break-even is always honoured: a strategy asking for k ≥ mn/(m+n) gets the dense matrix.
 * When no factorised rank is allowed at all the matrix stays dense regardless of
 * {@code allowDense}.
 *
 * @param minRank      smallest factorised rank, ≥ 0 (0 drops a matrix's whole product)
 * @param maxRank      largest factorised rank, ≥ minRank ({@link Integer#MAX_VALUE} for none)
 * @param rankMultiple ranks are multiples of this (alignment for kernels), ≥ 1
 * @param allowDense   whether an eligible matrix may be kept dense instead of factorised
 * @param excluded     matrix ids or module names that are never compressed; they become
 *                     ineligible (dense, outside the budget)
 */
public record Constraints(int minRank, int maxRank, int rankMultiple, boolean allowDense, Set<String> excluded) {

    public Constraints {
        if (minRank < 0) {
            throw new IllegalArgumentException("min rank must be ≥ 0, got " + minRank);
        }
        if (maxRank < minRank) {
            throw new IllegalArgumentException("max rank " + maxRank + " is below min rank " + minRank);
        }
        if (rankMultiple < 1) {
            throw new IllegalArgumentException("rank multiple must be ≥ 1, got " + rankMultiple);
        }
        excluded = Set.copyOf(excluded);
    }

    /** min rank 1, no max, multiple 1, dense allowed, nothing excluded. */
    public static Constraints defaults() {
        return new Constraints(1, Integer.MAX_VALUE, 1, true, Set.of());
    }

    public Constraints withMinRank(int k) {
        return new Constraints(k, Math.max(k, maxRank), rankMultiple, allowDense, excluded);
    }

    public Constraints withMaxRank(int k) {
        return new Constraints(Math.min(minRank, k), k, rankMultiple, allowDense, excluded);
    }

    public Constraints withRankMultiple(int multiple) {
        return new Constraints(minRank, maxRank, multiple, allowDense, excluded);
    }

    public Constraints withAllowDense(boolean allow) {
        return new Constraints(minRank, maxRank, rankMultiple, allow, excluded);
    }

    public Constraints withExcluded(Set<String> names) {
        return new Constraints(minRank, maxRank, rankMultiple, allowDense, names);
    }

    /** Whether {@code in} is excluded by id or module name. */
    public boolean excludes(AllocationInput in) {
        return excluded.contains(in.id()) || excluded.contains(in.moduleName());
    }
}
