package dev.rankscope.application.report;

import dev.rankscope.application.render.ChartExport;
import dev.rankscope.application.render.ChartSize;
import org.jfree.chart.JFreeChart;

import java.util.Base64;

import static dev.rankscope.application.report.ReportText.esc;

/**
 * The report's markup as it is built: raw appends plus the pieces every section uses (a section's
 * open and close, a summary card, a key–value row, a numeric cell, a chart as an embedded PNG, a
 * table-of-contents link). Escapes every text it is given; {@link #append} writes raw markup.
 * Not thread-safe: one per document.
 */
final class HtmlOut {
    private final StringBuilder out = new StringBuilder(1 << 20);

    /** Appends raw markup (callers escape any text from a checkpoint with {@link ReportText#esc}). */
    HtmlOut append(String markup) {
        out.append(markup);
        return this;
    }

    /** Appends a number. */
    HtmlOut append(long value) {
        out.append(value);
        return this;
    }

    /** A link to the section {@code id}. */
    void link(String id, String label) {
        out.append("<a href=\"#").append(id).append("\">").append(esc(label)).append("</a>");
    }

    void open(String id, String title) {
        out.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
    }

    void close() {
        out.append("</section>\n");
    }

    void card(String label, String value, String detail) {
        out.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">")
                .append(esc(value)).append("</div><div class=\"detail\">").append(esc(detail)).append("</div></div>\n");
    }

    void kv(String key, String value) {
        out.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    void num(String text) {
        out.append("<td class=\"num\">").append(esc(text)).append("</td>");
    }

    void figure(JFreeChart chart, ChartSize size, String alt) {
        String data = Base64.getEncoder().encodeToString(ChartExport.png(chart, size));
        out.append("<figure><img src=\"data:image/png;base64,")
                .append(data).append("\" width=\"").append(size.width()).append("\" height=\"").append(size.height())
                .append("\" alt=\"").append(esc(alt)).append("\" /></figure>\n");
    }

    /** A warning box listing {@code items}, under {@code heading} in bold when it is not null. */
    void warnList(String heading, java.util.List<String> items) {
        out.append("<div class=\"warn\">");
        if (heading != null) {
            out.append("<strong>").append(esc(heading)).append("</strong>");
        }
        out.append("<ul>");
        for (String item : items) {
            out.append("<li>").append(esc(item)).append("</li>");
        }
        out.append("</ul></div>\n");
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
