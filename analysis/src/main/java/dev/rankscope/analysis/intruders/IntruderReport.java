package dev.rankscope.analysis.intruders;

import dev.rankscope.analysis.naming.ModuleType;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The outcome of comparing two checkpoints (SPEC §3): one {@link IntruderMatrixResult} per paired
 * matrix, the pairing's mismatches, and per-matrix failures. Totals are computed for any
 * (k, ε) on demand from the stored c_j, without singular vectors. Immutable.
 *
 * @param base      what the user opened as base (path as shown to the user)
 * @param tuned     what the user opened as tuned (checkpoint path or adapter folder)
 * @param matrices  results in pairing order
 * @param pairing   how matrices were matched (mismatches and one-sided names)
 * @param failures  matrices that could not be analysed, with one sentence each
 */
public record IntruderReport(String base, String tuned, List<IntruderMatrixResult> matrices, Pairing pairing,
                             List<MatrixFailure> failures) {

    /** A pair that could not be analysed (unreadable data, NaN weights, out of memory). */
    public record MatrixFailure(String name, String message) { }

    public IntruderReport {
        matrices = List.copyOf(matrices);
        failures = List.copyOf(failures);
    }

    /** Model total: Σ over matrices of the intruder count at {@code params}. */
    public int total(IntruderParameters params) {
        int sum = 0;
        for (IntruderMatrixResult r : matrices) {
            sum += r.intruderCount(params);
        }
        return sum;
    }

    /** Intruder count per layer index (−1 collects matrices outside the blocks), ascending layers. */
    public SortedMap<Integer, Integer> perLayer(IntruderParameters params) {
        SortedMap<Integer, Integer> out = new TreeMap<>();
        for (IntruderMatrixResult r : matrices) {
            out.merge(r.name().layer(), r.intruderCount(params), Integer::sum);
        }
        return Collections.unmodifiableSortedMap(out);
    }

    /** Intruder count per layer and module type (the layer bar chart's stacks). */
    public SortedMap<Integer, Map<ModuleType, Integer>> perLayerAndModule(IntruderParameters params) {
        SortedMap<Integer, Map<ModuleType, Integer>> out = new TreeMap<>();
        for (IntruderMatrixResult r : matrices) {
            out.computeIfAbsent(r.name().layer(), l -> new EnumMap<>(ModuleType.class))
                    .merge(r.name().module(), r.intruderCount(params), Integer::sum);
        }
        out.replaceAll((l, m) -> Collections.unmodifiableMap(m));
        return Collections.unmodifiableSortedMap(out);
    }

    /** Mean normalised spectral distance per layer (finite values only; layers with none are absent). */
    public SortedMap<Integer, Double> spectralDistanceByLayer() {
        SortedMap<Integer, double[]> acc = new TreeMap<>();
        for (IntruderMatrixResult r : matrices) {
            if (Double.isFinite(r.spectralDistance())) {
                double[] a = acc.computeIfAbsent(r.name().layer(), l -> new double[2]);
                a[0] += r.spectralDistance();
                a[1]++;
            }
        }
        SortedMap<Integer, Double> out = new TreeMap<>();
        acc.forEach((l, a) -> out.put(l, a[0] / a[1]));
        return Collections.unmodifiableSortedMap(out);
    }
}
