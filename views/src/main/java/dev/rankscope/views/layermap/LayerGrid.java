package dev.rankscope.views.layermap;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.views.model.Metric;
import dev.rankscope.application.workbench.MatrixEntry;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The layer map's model: rows are transformer layers (plus one row, index −1, for matrices
 * outside the blocks: embeddings, lm_head), columns are the module types present, and each cell
 * holds the matrices of that layer and type (several for MoE experts) with the mean of the
 * chosen metric over those analysed. Immutable; built by {@link #build} off the FX thread.
 *
 * @param metric  the metric coloured
 * @param rows    layer indices, ascending (−1 first when present)
 * @param columns module types present, in {@link ModuleType} order
 * @param cells   (row, column) → cell; absent when no matrix has that layer and type
 * @param min     smallest finite cell value (0 for fraction metrics), NaN when none
 * @param max     largest finite cell value (1 for fraction metrics), NaN when none
 */
public record LayerGrid(Metric metric, List<Integer> rows, List<ModuleType> columns, Map<Key, Cell> cells,
                        double min, double max) {
    public LayerGrid {
        rows = List.copyOf(rows);
        columns = List.copyOf(columns);
        cells = Map.copyOf(cells);
    }

    /** A cell's coordinates. */
    public record Key(int layer, ModuleType module) {
    }

    /**
     * One heatmap cell.
     *
     * @param entries  the matrices of this layer and type
     * @param value    mean metric over the analysed ones, NaN while none is analysed
     * @param analysed how many of {@code entries} are analysed
     * @param approximate true when the value includes a quick-preview (top-k) analysis (shown "≈")
     */
    public record Cell(List<MatrixEntry> entries, double value, int analysed, boolean approximate) {
        public Cell {
            entries = List.copyOf(entries);
        }

        /** A cell of exact analyses only. */
        public Cell(List<MatrixEntry> entries, double value, int analysed) {
            this(entries, value, analysed, false);
        }
    }

    public static LayerGrid empty(Metric metric) {
        return new LayerGrid(metric, List.of(), List.of(), Map.of(), Double.NaN, Double.NaN);
    }

    public Cell cell(int layer, ModuleType module) {
        return cells.get(new Key(layer, module));
    }

    /**
     * Builds the grid for {@code entries} (one checkpoint) colouring by {@code metric}, taking
     * analyses from {@code analyses} (null = not yet analysed). Pure.
     */
    public static LayerGrid build(List<MatrixEntry> entries, Function<MatrixEntry, MatrixAnalysis> analyses, Metric metric) {
        Objects.requireNonNull(metric);
        Set<Integer> rows = new TreeSet<>();
        Set<ModuleType> cols = EnumSet.noneOf(ModuleType.class);
        Map<Key, List<MatrixEntry>> grouped = new LinkedHashMap<>();
        for (MatrixEntry e : entries) {
            int layer = e.name().hasLayer() ? e.name().layer() : -1;
            rows.add(layer);
            cols.add(e.name().module());
            grouped.computeIfAbsent(new Key(layer, e.name().module()), k -> new ArrayList<>()).add(e);
        }
        Map<Key, Cell> cells = new LinkedHashMap<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (Map.Entry<Key, List<MatrixEntry>> g : grouped.entrySet()) {
            double sum = 0;
            int n = 0;
            int analysed = 0;
            boolean approximate = false;
            for (MatrixEntry e : g.getValue()) {
                MatrixAnalysis a = analyses.apply(e);
                if (a == null) {
                    continue;
                }
                analysed++;
                double v = metric.of(a);
                if (Double.isFinite(v)) {
                    sum += v;
                    n++;
                    approximate |= a.spectrum().approximate();
                }
            }
            double value = n == 0 ? Double.NaN : sum / n;
            if (Double.isFinite(value)) {
                min = Math.min(min, value);
                max = Math.max(max, value);
            }
            cells.put(g.getKey(), new Cell(g.getValue(), value, analysed, approximate));
        }
        if (metric.isFraction()) {
            min = 0;
            max = 1;
        } else if (Double.isInfinite(min)) {
            min = Double.NaN;
            max = Double.NaN;
        }
        return new LayerGrid(metric, new ArrayList<>(rows), new ArrayList<>(cols), cells, min, max);
    }

    /** Position of {@code value} on the colour scale, 0..1 (0.5 when min = max), NaN for NaN. */
    public double normalised(double value) {
        if (Double.isNaN(value) || Double.isNaN(min)) {
            return Double.NaN;
        }
        if (!(max > min)) {
            return 0.5;
        }
        return Math.max(0, Math.min(1, (value - min) / (max - min)));
    }
}
