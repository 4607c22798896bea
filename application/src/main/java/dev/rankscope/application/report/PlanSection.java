package dev.rankscope.application.report;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.ReportCharts;

import static dev.rankscope.application.report.ReportText.DATE;
import static dev.rankscope.application.report.ReportText.abbrev;
import static dev.rankscope.application.report.ReportText.budget;
import static dev.rankscope.application.report.ReportText.esc;
import static dev.rankscope.application.report.ReportText.fixed;
import static dev.rankscope.application.report.ReportText.grouped;
import static dev.rankscope.application.report.ReportText.percent;

/**
 * The report's plan section (SPEC §4–5), present when a plan is given: a warning when the plan was
 * made for another checkpoint (its header SHA-256 differs), the totals as cards, strategy, budget
 * and notes, the kept-rank chart and one row per matrix. Pure.
 */
final class PlanSection {
    private PlanSection() {
    }

    static void write(HtmlOut out, Plan p, ReportInput input) {
        PlanTotals t = p.totals();
        out.open(HtmlReport.PLAN_ID, "Compression plan");
        String analysed = input.analysis().source().headerSha256();
        if (!p.source().headerSha256().isEmpty() && analysed != null && !analysed.equals(p.source().headerSha256())) {
            out.append("<div class=\"warn\">This plan was made for another checkpoint (")
                    .append(esc(p.source().path())).append(", header SHA-256 ").append(esc(abbrev(p.source().headerSha256())))
                    .append("); its matrices may not match this model.</div>\n");
        }
        out.append("<div class=\"cards\">\n");
        out.card("kept parameters", percent(t.keptFraction()), grouped(t.paramsAfter()) + " of " + grouped(t.paramsBefore()));
        out.card("compression", Double.isFinite(t.compressionRatio()) ? fixed(t.compressionRatio(), 2) + "×" : "∞",
                "before / after");
        out.card("factorised", Integer.toString(t.factorisedCount()), "of " + t.eligibleCount() + " eligible, "
                + t.matrixCount() + " matrices");
        out.card("relative error", fixed(t.relativeError(), 4), "√(Σ discarded energy / Σ‖W‖²), eligible matrices");
        out.append("</div>\n<table class=\"kv\">\n");
        out.kv("strategy", p.strategyName());
        out.kv("budget", budget(p));
        out.kv("made", DATE.format(p.created()) + " by " + p.tool().name() + " " + p.tool().version());
        for (String note : p.notes()) {
            out.kv("note", note);
        }
        out.append("</table>\n");
        out.figure(ReportCharts.planRanks(p), new ChartSize(Math.max(input.chartSize().width(), HtmlReport.PLAN_CHART_WIDTH),
                        input.chartSize().height() + 60),
                "Kept rank against full rank for every matrix");
        out.append("<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>name</th><th>shape</th><th>rank k</th>"
                + "<th>p</th><th>kept as</th><th>params after</th><th>kept</th><th>retained energy</th><th>rel. error</th>"
                + "</tr></thead>\n<tbody>\n");
        for (PlannedMatrix m : p.matrices()) {
            out.append("<tr><td class=\"name\">").append(esc(m.id())).append("</td>");
            out.num(m.shapeString());
            out.num(Integer.toString(m.rank()));
            out.num(Integer.toString(m.fullRank()));
            out.append("<td>").append(m.dense() ? (m.eligible() ? "dense" : "not eligible") : "factors").append("</td>");
            out.num(grouped(m.paramsAfter()));
            out.num(percent(m.keptFraction()));
            out.num(percent(m.retainedEnergy()));
            out.num(fixed(m.relativeError(), 4));
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table></div>\n");
        out.close();
    }
}
