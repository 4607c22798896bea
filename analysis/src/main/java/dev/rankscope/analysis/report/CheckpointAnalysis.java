package dev.rankscope.analysis.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.linalg.EngineInfo;

import java.time.Instant;
import java.util.List;

/**
 * The analysis of one checkpoint: what {@code rankscope analyze} writes as
 * {@code "format": "rankscope-analysis"} JSON ({@link AnalysisJson}), CSV ({@link AnalysisCsv}) and
 * prints ({@link AnalysisTable}). Immutable.
 *
 * @param source   the checkpoint
 * @param engine   what computed the spectra
 * @param matrices one entry per analysed matrix, in checkpoint order
 * @param created  when the analysis was made
 * @param failures one line per matrix that could not be analysed ({@code "<id>: <reason>"})
 */
public record CheckpointAnalysis(SourceInfo source, EngineInfo engine, List<MatrixAnalysis> matrices,
                                 Instant created, List<String> failures) {
    public CheckpointAnalysis {
        if (source == null || engine == null || created == null) {
            throw new IllegalArgumentException("source, engine and created are required");
        }
        matrices = List.copyOf(matrices);
        failures = List.copyOf(failures);
    }
}
