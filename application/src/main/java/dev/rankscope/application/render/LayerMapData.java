package dev.rankscope.application.render;

import org.jfree.data.xy.DefaultXYZDataset;

import java.util.List;

/**
 * The layer map as chart data: a grid with one row per transformer layer (plus a row
 * {@value #OUTSIDE_LABEL} for matrices outside the blocks, layer −1) and one column per module
 * type present; each cell's z is the mean of the metric over the matrices of that layer and type
 * (several for MoE experts), NaN when none of them has the metric.
 *
 * @param metric       what z is
 * @param dataset      one series; item x = column index, y = row index, z = cell value. A fresh
 *                     dataset owned by the caller; never mutate it once a chart shows it.
 * @param rowLabels    label of row y (e.g. {@code L3}), ascending layers, {@value #OUTSIDE_LABEL} first when present
 * @param columnLabels label of column x ({@code ModuleType.label()})
 * @param min          smallest finite z (0 for fraction metrics), NaN when no cell has a value
 * @param max          largest finite z (1 for fraction metrics), NaN when no cell has a value
 */
public record LayerMapData(LayerMetric metric, DefaultXYZDataset dataset, List<String> rowLabels,
                           List<String> columnLabels, double min, double max) {
    /** Row label for matrices outside the transformer blocks (embeddings, lm_head). */
    public static final String OUTSIDE_LABEL = "outside";

    public LayerMapData {
        rowLabels = List.copyOf(rowLabels);
        columnLabels = List.copyOf(columnLabels);
    }

    /** Cells in the grid that hold at least one matrix. */
    public int cellCount() {
        return dataset.getSeriesCount() == 0 ? 0 : dataset.getItemCount(0);
    }
}
