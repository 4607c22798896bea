package dev.rankscope.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * How the Spark sweep spreads (checkpoint, matrix) units over partitions so executors finish
 * together: each unit is weighted by the flops of its spectrum and the units are packed with the
 * longest-processing-time-first rule (LPT, Graham 1969): sort by cost descending, give each unit
 * to the partition with the least total so far. LPT's makespan is at most 4/3 − 1/(3P) of the
 * optimum; with many units per partition it is within a few percent of perfectly even.
 *
 * <p>Cost model: singular values of an m×n matrix, p = min(m, n), q = max(m, n), cost
 * {@code q·p² + p³} flops — the Gram matrix (q·p²) plus its symmetric eigen-decomposition
 * (≈ p³ for values only), the engine's main path for large matrices; dgesdd's bidiagonalisation
 * (4qp² − 4p³/3) has the same shape. Only relative costs matter. Reading the tensor (m·n elements)
 * is negligible next to it for p ≥ 64. Pure functions; thread-safe.
 */
public final class FlopPartitioning {

    private FlopPartitioning() {
    }

    /** The flop estimate of one spectrum of an m×n matrix. */
    public static double cost(int rows, int cols) {
        double p = Math.min(rows, cols);
        double q = Math.max(rows, cols);
        return q * p * p + p * p * p;
    }

    /**
     * Packs {@code units} into {@code partitions} bins by LPT. Bins keep units in decreasing cost;
     * empty bins are dropped (fewer units than partitions).
     */
    public static List<List<WorkUnit>> balance(List<WorkUnit> units, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be ≥ 1");
        }
        List<WorkUnit> sorted = new ArrayList<>(units);
        sorted.sort(Comparator.comparingDouble(WorkUnit::cost).reversed()
                .thenComparingInt(WorkUnit::checkpointIndex).thenComparing(WorkUnit::matrix)
                .thenComparing(u -> String.valueOf(u.pair())).thenComparingInt(u -> u.base() == null ? -1 : u.base().index()));
        int bins = Math.min(partitions, Math.max(1, sorted.size()));
        List<List<WorkUnit>> out = new ArrayList<>();
        double[] load = new double[bins];
        PriorityQueue<Integer> lightest = new PriorityQueue<>(Comparator.comparingDouble((Integer i) -> load[i]).thenComparingInt(i -> i));
        for (int i = 0; i < bins; i++) {
            out.add(new ArrayList<>());
            lightest.add(i);
        }
        for (WorkUnit u : sorted) {
            int i = lightest.poll();
            out.get(i).add(u);
            load[i] += u.cost();
            lightest.add(i);
        }
        out.removeIf(List::isEmpty);
        return out;
    }

    /** max/mean of the bins' total costs (1 = perfectly even). */
    public static double imbalance(List<List<WorkUnit>> bins) {
        double max = 0;
        double sum = 0;
        for (List<WorkUnit> b : bins) {
            double c = b.stream().mapToDouble(WorkUnit::cost).sum();
            max = Math.max(max, c);
            sum += c;
        }
        return bins.isEmpty() || sum == 0 ? 1 : max / (sum / bins.size());
    }
}
