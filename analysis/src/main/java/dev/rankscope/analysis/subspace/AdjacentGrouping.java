package dev.rankscope.analysis.subspace;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A suggested grouping of adjacent layers for shared bases (SPEC §11), greedy and documented:
 * start with every layer alone; repeatedly merge the two adjacent groups whose union saves the
 * most parameters — {@code cost(A) + cost(B) − cost(A ∪ B)} with {@code cost} the cheapest way to
 * hold a group at the target error ({@link JointDecomposition.Result#bestParams()}; a single layer
 * costs min(its own rank-k factors, dense)) — while that saving is positive and the union has at
 * most {@code maxGroupSize} layers. Not guaranteed optimal (merging is never undone); each merge
 * keeps the error of every group at or below the target, so the whole model stays within it.
 */
public final class AdjacentGrouping {
    private AdjacentGrouping() {
    }

    /**
     * @param groups   the suggested groups as index ranges [from, to) into the layer order
     * @param params   the parameters they cost together at the target error
     * @param aloneParams what every layer alone would cost at the same error
     */
    public record Suggestion(List<int[]> groups, long params, long aloneParams) {
        public Suggestion {
            groups = groups.stream().map(int[]::clone).toList();
        }

        @Override
        public List<int[]> groups() {
            return groups.stream().map(int[]::clone).toList();
        }
    }

    /**
     * @param layers       how many layers, in order
     * @param maxGroupSize at most this many layers in one group (≥ 1)
     * @param cost         the parameters a range [from, to) costs at the target error
     */
    public static Suggestion suggest(int layers, int maxGroupSize, Function<int[], Long> cost) {
        if (maxGroupSize < 1) {
            throw new IllegalArgumentException("the largest group must hold at least one layer, got " + maxGroupSize);
        }
        List<int[]> groups = new ArrayList<>();
        List<Long> costs = new ArrayList<>();
        long alone = 0;
        for (int i = 0; i < layers; i++) {
            groups.add(new int[]{i, i + 1});
            long c = cost.apply(new int[]{i, i + 1});
            costs.add(c);
            alone += c;
        }
        while (true) {
            int best = -1;
            long bestSaving = 0;
            long bestCost = 0;
            for (int i = 0; i + 1 < groups.size(); i++) {
                int from = groups.get(i)[0];
                int to = groups.get(i + 1)[1];
                if (to - from > maxGroupSize) {
                    continue;
                }
                long union = cost.apply(new int[]{from, to});
                long saving = costs.get(i) + costs.get(i + 1) - union;
                if (saving > bestSaving) {
                    best = i;
                    bestSaving = saving;
                    bestCost = union;
                }
            }
            if (best < 0) {
                break;
            }
            groups.set(best, new int[]{groups.get(best)[0], groups.get(best + 1)[1]});
            groups.remove(best + 1);
            costs.set(best, bestCost);
            costs.remove(best + 1);
        }
        long total = costs.stream().mapToLong(Long::longValue).sum();
        return new Suggestion(groups, total, alone);
    }
}
