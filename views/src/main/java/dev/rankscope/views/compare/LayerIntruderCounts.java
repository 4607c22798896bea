package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.naming.ModuleType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Intruder counts per layer and module type at one (k, ε): the stacks of the Compare tab's bar
 * chart ({@link IntruderReport#perLayerAndModule}). Layer −1 collects matrices outside the blocks
 * (embeddings, lm_head). Immutable; arrays are copied.
 *
 * @param layers  layer indices in ascending order
 * @param modules module types present, in enum order
 * @param counts  counts[module][layer position], 0 where a layer has no such module
 * @param params  the (k, ε) counted at
 */
public record LayerIntruderCounts(List<Integer> layers, List<ModuleType> modules, int[][] counts,
                                  IntruderParameters params) {

    public LayerIntruderCounts {
        layers = List.copyOf(layers);
        modules = List.copyOf(modules);
        int[][] copy = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        counts = copy;
        if (counts.length != modules.size()) {
            throw new IllegalArgumentException(counts.length + " count rows for " + modules.size() + " modules");
        }
    }

    /** No comparison yet. */
    public static LayerIntruderCounts empty(IntruderParameters params) {
        return new LayerIntruderCounts(List.of(), List.of(), new int[0][], params);
    }

    /** Counts of {@code report} at {@code params}. */
    public static LayerIntruderCounts of(IntruderReport report, IntruderParameters params) {
        SortedMap<Integer, Map<ModuleType, Integer>> byLayer = report.perLayerAndModule(params);
        TreeSet<ModuleType> types = new TreeSet<>();
        byLayer.values().forEach(m -> types.addAll(m.keySet()));
        List<Integer> layers = new ArrayList<>(byLayer.keySet());
        List<ModuleType> modules = new ArrayList<>(types);
        int[][] counts = new int[modules.size()][layers.size()];
        for (int li = 0; li < layers.size(); li++) {
            Map<ModuleType, Integer> m = byLayer.get(layers.get(li));
            for (int mi = 0; mi < modules.size(); mi++) {
                counts[mi][li] = m.getOrDefault(modules.get(mi), 0);
            }
        }
        return new LayerIntruderCounts(layers, modules, counts, params);
    }

    /** Count of {@code module} in the layer at position {@code layerPosition}. */
    public int count(int moduleIndex, int layerPosition) {
        return counts[moduleIndex][layerPosition];
    }

    /** Σ of every stack. */
    public int total() {
        int s = 0;
        for (int[] row : counts) {
            for (int c : row) {
                s += c;
            }
        }
        return s;
    }

    @Override
    public int[][] counts() {
        int[][] copy = new int[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerIntruderCounts c && c.layers.equals(layers) && c.modules.equals(modules)
                && java.util.Arrays.deepEquals(c.counts, counts) && c.params.equals(params);
    }

    @Override
    public int hashCode() {
        return layers.hashCode() * 31 + java.util.Arrays.deepHashCode(counts);
    }
}
