package dev.rankscope.application.report;

import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.application.job.MatrixFailure;

import java.util.List;
import java.util.Objects;

/**
 * What one report run produced. Immutable.
 *
 * @param report             the analysis shown, the spectra computed, the failures, the file written
 * @param comparison         the intruder comparison summarised, or null
 * @param comparisonFailures the compared pairs that failed (empty without a comparison)
 * @param seconds            wall time of the run
 */
public record ReportResult(ReportExportTask.Outcome report, IntruderReport comparison,
                           List<MatrixFailure> comparisonFailures, double seconds) {
    public ReportResult {
        Objects.requireNonNull(report, "report");
        comparisonFailures = List.copyOf(comparisonFailures);
    }
}
