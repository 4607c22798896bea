package dev.rankscope.analysis.allocation;

/**
 * One allocation strategy with its parameters (SPEC §4): a record per strategy that validates in
 * its compact constructor, describes itself ({@link #description()}: name, form, defaults) and
 * allocates ({@link #allocate}). Adding a strategy is writing one such record with its
 * {@link StrategyDescription} constant and registering that in {@link StrategyRegistry}. The same
 * record drives the Budget tab's form, {@code plan --param}, and the provenance in exported plans
 * ({@code "strategy": {"name", "parameters"}}, one JSON field per record component).
 *
 * <p>The strategy only proposes a level per matrix on ladders that already obey every
 * {@link Constraints} (min/max rank, alignment, break-even, exclusions); {@link Allocator} then
 * repairs and fills in the strategy's step order, so every plan keeps the total cost within the
 * {@link Budget} and leaves less of it unused than the cheapest remaining step (the next allowed
 * rank of any matrix, or its switch to dense). Implementations are pure and thread-safe.
 */
public interface StrategyParameters {

    /** The strategy's name, summary and parameter form. */
    StrategyDescription description();

    /** Stable strategy name used in plan JSON and on the command line. */
    default String strategyName() {
        return description().name();
    }

    /** One-line description for forms and help (may mention the current parameters). */
    default String describe() {
        return description().summary();
    }

    /**
     * The strategy's own allocation before the shared repair and fill.
     *
     * @param ladders      one per eligible matrix, each listing the levels the constraints allow
     *                     (ascending cost); not modified
     * @param budgetParams the parameter allowance B over these matrices (≥ their minimum cost)
     * @return a level per ladder and the value of each step, which orders the repair and the fill
     * @throws AllocationException when an input the strategy needs is missing
     */
    StrategyOutcome allocate(RankLadder[] ladders, long budgetParams);

    /**
     * The strategy's own cap on the factorised rank of a matrix of full rank {@code p} (WeLore's
     * LRC rule); {@link Integer#MAX_VALUE} for none.
     */
    default int maxFactorisedRank(int p) {
        return Integer.MAX_VALUE;
    }

    /** Whether plan rows of eligible matrices are labelled LRC / N-LRC (WeLore). */
    default boolean labelsLowRankComponents() {
        return false;
    }
}
