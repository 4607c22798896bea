package dev.rankscope.application.report;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.render.ChartSize;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything one HTML report is made from. Immutable (maps copied, insertion order kept).
 *
 * @param analysis        the checkpoint's analysis (every matrix, engine, header hash)
 * @param metadata        the checkpoint's own metadata ({@code TensorSource.metadata()}), may be empty
 * @param modelConfig     facts from {@code config.json} next to the checkpoint ({@link ModelConfigFacts}), may be empty
 * @param totalParameters elements over all tensors (matrices, norms, biases)
 * @param plan            a rank plan to summarise, or null
 * @param comparison      intruder summary of a base/adapter comparison, or null
 * @param quality         a quality-vs-size sweep of the model ({@code evaluate --sweep}) to chart, or null
 * @param toolVersion     Rankscope's version
 * @param generated       when the report is made (shown in the footer)
 * @param chartSize       size of each spectrum chart (layer maps grow taller with the layer count)
 */
public record ReportInput(CheckpointAnalysis analysis, Map<String, String> metadata, Map<String, String> modelConfig,
                          long totalParameters, Plan plan, IntruderSummary comparison, SweepResult quality,
                          String toolVersion, Instant generated, ChartSize chartSize) {
    public ReportInput {
        Objects.requireNonNull(analysis, "analysis");
        Objects.requireNonNull(toolVersion, "toolVersion");
        Objects.requireNonNull(generated, "generated");
        Objects.requireNonNull(chartSize, "chartSize");
        if (totalParameters < 0) {
            throw new IllegalArgumentException("total parameters must be ≥ 0");
        }
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata == null ? Map.of() : metadata));
        modelConfig = Collections.unmodifiableMap(new LinkedHashMap<>(modelConfig == null ? Map.of() : modelConfig));
    }

    /** A report of {@code analysis} alone at the default chart size. */
    public static ReportInput of(CheckpointAnalysis analysis, long totalParameters, String toolVersion, Instant generated) {
        return new ReportInput(analysis, Map.of(), Map.of(), totalParameters, null, null, null, toolVersion, generated,
                ChartSize.REPORT);
    }

    public ReportInput withPlan(Plan newPlan) {
        return new ReportInput(analysis, metadata, modelConfig, totalParameters, newPlan, comparison, quality, toolVersion,
                generated, chartSize);
    }

    public ReportInput withComparison(IntruderSummary newComparison) {
        return new ReportInput(analysis, metadata, modelConfig, totalParameters, plan, newComparison, quality, toolVersion,
                generated, chartSize);
    }

    public ReportInput withModelInfo(Map<String, String> newMetadata, Map<String, String> newModelConfig) {
        return new ReportInput(analysis, newMetadata, newModelConfig, totalParameters, plan, comparison, quality, toolVersion,
                generated, chartSize);
    }

    public ReportInput withChartSize(ChartSize newSize) {
        return new ReportInput(analysis, metadata, modelConfig, totalParameters, plan, comparison, quality, toolVersion,
                generated, newSize);
    }

    public ReportInput withQuality(SweepResult newQuality) {
        return new ReportInput(analysis, metadata, modelConfig, totalParameters, plan, comparison, newQuality, toolVersion,
                generated, chartSize);
    }
}
