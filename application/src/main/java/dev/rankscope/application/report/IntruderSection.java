package dev.rankscope.application.report;

import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.ReportCharts;

import static dev.rankscope.application.report.ReportText.esc;
import static dev.rankscope.application.report.ReportText.fixed;
import static dev.rankscope.application.report.ReportText.join;

/**
 * The report's intruder section (SPEC §3), present when a comparison is given: the count at
 * (k, ε), the base and tuned paths, intruders per layer as a chart and one row per matrix with
 * intruders (ranks j, σ_j(W_t), c_j, spectral distance), then the comparison's notes. Pure.
 */
final class IntruderSection {
    private IntruderSection() {
    }

    static void write(HtmlOut out, IntruderSummary c, ChartSize chartSize) {
        out.open(HtmlReport.INTRUDERS_ID, "Intruder dimensions");
        out.append("<p class=\"note\">Fine-tuned singular vector j ≤ k is an intruder when its largest |cosine| with "
                + "every base singular vector, c<sub>j</sub>, is below ε (Shuttleworth et al. 2024; SPEC §3).</p>\n");
        out.append("<div class=\"cards\">\n");
        out.card("intruders", Integer.toString(c.total()), "at k = " + c.k() + ", ε = " + fixed(c.epsilon(), 2));
        out.card("matrices with intruders", Integer.toString(c.matrices().size()), "of " + c.pairedMatrices() + " compared");
        out.append("</div>\n<table class=\"kv\">\n");
        out.kv("base", c.base());
        out.kv("fine-tuned", c.tuned());
        out.append("</table>\n");
        if (c.total() > 0) {
            out.figure(ReportCharts.intruderCounts(c.perLayerAndModule()), chartSize, "Intruder dimensions per layer");
            out.append("<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>name</th><th>shape</th>"
                    + "<th>intruders</th><th>ranks j</th><th>σ<sub>j</sub>(W<sub>t</sub>)</th><th>c<sub>j</sub></th>"
                    + "<th>spectral distance</th></tr></thead>\n<tbody>\n");
            for (IntruderSummary.MatrixIntruders m : c.matrices()) {
                out.append("<tr><td class=\"name\">").append(esc(m.name())).append("</td>");
                out.num(m.shape());
                out.num(Integer.toString(m.count()));
                out.num(join(m.intruders().ranks()));
                out.num(join(m.intruders().sigma(), "%.4g"));
                out.num(join(m.intruders().maxCosine(), "%.3f"));
                out.num(fixed(m.spectralDistance(), 4));
                out.append("</tr>\n");
            }
            out.append("</tbody>\n</table></div>\n");
        } else {
            out.append("<p>No intruder dimensions at these settings.</p>\n");
        }
        if (!c.notes().isEmpty()) {
            out.warnList(null, c.notes());
        }
        out.close();
    }
}
