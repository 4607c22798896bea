package dev.rankscope.application.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.application.analyze.AnalyzeResult;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one planning run produced. Immutable.
 *
 * @param analysis    the spectra the plan was made from (failures listed)
 * @param plan        the plan, or null for a comparison
 * @param comparison  the side-by-side comparison, or null for a plan
 * @param factorised  the factorised export's verification, or null when none was written
 * @param dataAware   how many matrices had calibration statistics (0 without {@code --stats})
 * @param written     the files written, in order
 */
public record PlanResult(AnalyzeResult analysis, Plan plan, StrategyComparison comparison,
                         FactorisedExportResult factorised, int dataAware, List<Path> written) {
    public PlanResult {
        Objects.requireNonNull(analysis, "analysis");
        written = List.copyOf(written);
    }
}
