package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * A strategy's proposal (SPEC §4): one level per eligible matrix, the value of every step, and
 * notes for the plan. {@link Allocator} steps down the least valuable steps while the cost exceeds
 * the budget and then up the most valuable ones that still fit.
 *
 * @param levels    a level per ladder, each in {@code [0, ladder.levels())}; copied
 * @param stepValue the value of moving a matrix one level up
 * @param notes     lines for the plan's notes (e.g. the threshold found)
 */
public record StrategyOutcome(int[] levels, StepValue stepValue, List<String> notes) {

    /** Value of moving matrix {@code l} from {@code level} to {@code level + 1}; higher is taken first. */
    @FunctionalInterface
    public interface StepValue {
        double value(int l, int level);
    }

    public StrategyOutcome {
        levels = levels.clone();
        notes = List.copyOf(notes);
    }

    @Override
    public int[] levels() {
        return levels.clone();
    }
}
