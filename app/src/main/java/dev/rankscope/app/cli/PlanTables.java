package dev.rankscope.app.cli;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.StrategyComparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The text tables {@code rankscope plan} prints on stdout: a plan's per-matrix rows and totals, or a strategy comparison. */
final class PlanTables {
    private PlanTables() {
    }

    /** The per-matrix table and the totals line. */
    static List<String> planLines(Plan plan) {
        List<String> lines = new ArrayList<>();
        int w = Math.max(6, plan.matrices().stream().mapToInt(m -> m.id().length()).max().orElse(6));
        lines.add(String.format(Locale.ROOT, "%-" + w + "s  %-11s  %11s  %-5s  %12s  %12s  %9s  %9s",
                "matrix", "shape", "rank", "dense", "params", "kept", "retained", "rel_err"));
        for (PlannedMatrix m : plan.matrices()) {
            lines.add(String.format(Locale.ROOT, "%-" + w + "s  %-11s  %11s  %-5s  %12d  %12d  %9.6f  %9.6f",
                    m.id(), m.rows() + "x" + m.cols(), m.rank() + "/" + m.fullRank(),
                    !m.eligible() ? "out" : m.dense() ? "yes" : "no", m.paramsBefore(), m.paramsAfter(),
                    m.retainedEnergy(), m.relativeError()));
        }
        PlanTotals t = plan.totals();
        lines.add(String.format(Locale.ROOT, "total: strategy %s, budget %s; kept %d of %d parameters (%.4f), "
                        + "compression %.4fx, %d bytes at %s (was %d), %d of %d eligible matrices factorised, "
                        + "relative error %.6f",
                plan.strategyName(), plan.budget().describe(), t.paramsAfter(), t.paramsBefore(), t.keptFraction(),
                t.compressionRatio(), t.bytesAfter(), plan.budget().dtype(), t.bytesBefore(), t.factorisedCount(),
                t.eligibleCount(), t.relativeError()));
        return lines;
    }

    /** The --compare table: one row per strategy. */
    static List<String> comparisonLines(StrategyComparison cmp) {
        List<String> lines = new ArrayList<>();
        lines.add("budget: " + cmp.budget().describe());
        lines.add(String.format(Locale.ROOT, "%-20s  %12s  %10s  %10s  %12s  %12s",
                "strategy", "kept", "ratio", "factorised", "rel_error", "sum_E/|W|^2"));
        for (StrategyComparison.Entry e : cmp.entries()) {
            PlanTotals t = e.plan().totals();
            lines.add(String.format(Locale.ROOT, "%-20s  %12d  %10.4f  %10d  %12.6f  %12.6f",
                    e.strategy().strategyName(), t.paramsAfter(), t.compressionRatio(), t.factorisedCount(),
                    e.relativeError(), e.normalisedDiscardedEnergy()));
        }
        return lines;
    }
}
