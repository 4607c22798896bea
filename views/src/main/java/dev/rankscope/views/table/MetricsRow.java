package dev.rankscope.views.table;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.workbench.MatrixEntry;

/** One row of the metrics table: an analysed matrix. Immutable. */
public record MetricsRow(MatrixEntry entry, MatrixAnalysis analysis) {
}
