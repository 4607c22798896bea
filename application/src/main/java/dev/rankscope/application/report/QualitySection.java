package dev.rankscope.application.report;

import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.QualityChart;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's "Quality vs size" section (issue "Model in the loop" §3: {@code rankscope report}
 * embeds the chart when given the sweep): the {@link QualityChart} of a
 * {@code rankscope evaluate --sweep} result as an embedded PNG, and its table — the original
 * model, then one row per strategy × kept fraction in the sweep's order. Causal LMs show
 * perplexity (SPEC §8), mean NLL, mean KL(original ‖ compressed) and top-1 agreement; encoders
 * the mean cosine of the compressed to the original sentence embeddings. A sweep run on another
 * model folder than the reported checkpoint's is shown with a warning. Pure; any thread.
 */
final class QualitySection {
    /** The section's element id. */
    static final String ID = "quality";

    private QualitySection() {
    }

    /** Appends the section for {@code sweep} to {@code html}, the chart at {@code size}. */
    static void append(HtmlOut html, SweepResult sweep, String checkpointPath, ChartSize size) {
        boolean causal = "causal-lm".equals(sweep.kind());
        html.append("<section id=\"").append(ID).append("\">\n<h2>Quality vs size</h2>\n");
        html.append("<p class=\"note\">Every strategy × kept fraction of <code>rankscope evaluate --sweep</code>, each "
                + "compressed model built as the plan's export builds it and run on the evaluation text. x: kept fraction "
                + "of the parameters; y: ").append(causal
                ? "perplexity over windows of the text (SPEC §8; lower is better)"
                : "mean cosine of each sentence's compressed to its original embedding (higher is better)")
                .append(". The dashed line is the original model.")
                .append(sweep.fusedParts() ? " Plans gave the q, k and v parts of each fused projection their own rank "
                        + "(--fused-parts); the legend marks them \"(q/k/v parts)\"." : "").append("</p>\n");
        if (!sameModel(sweep.model(), checkpointPath)) {
            html.append("<div class=\"warn\">This sweep was run on another model (").append(Html.escape(sweep.model()))
                    .append(") than the checkpoint of this report.</div>\n");
        }
        html.append("<table class=\"kv\">\n<tr><th>model</th><td>").append(Html.escape(sweep.model()))
                .append("</td></tr>\n<tr><th>kind</th><td>").append(Html.escape(sweep.kind())).append("</td></tr>\n<tr><th>")
                .append(causal ? "original perplexity" : "original cosine").append("</th><td>")
                .append(Html.escape(causal ? fixed(sweep.original().perplexity(), 4) : fixed(sweep.original().cosineMean(), 6)))
                .append("</td></tr>\n<tr><th>points</th><td>").append(sweep.points().size()).append(" (")
                .append(Html.escape(String.join(", ", sweep.strategies()))).append(")</td></tr>\n<tr><th>fused q/k/v</th><td>")
                .append(sweep.fusedParts() ? "parts planned separately (--fused-parts)" : "whole matrices")
                .append("</td></tr>\n</table>\n");
        html.figure(QualityChart.chart(sweep), size,
                (causal ? "Perplexity" : "Mean cosine to the original embeddings") + " against the kept fraction of the "
                        + "parameters, one line per strategy" + (sweep.fusedParts() ? "; " + sweep.partsNote() : ""));
        table(html, sweep, causal);
        html.append("</section>\n");
    }

    private static void table(HtmlOut html, SweepResult sweep, boolean causal) {
        List<String> heads = new ArrayList<>(List.of("strategy", "keep", "kept", "params after"));
        heads.addAll(causal ? List.of("perplexity", "mean NLL", "mean KL", "top-1 agreement") : List.of("mean cosine"));
        heads.addAll(List.of("plan rel. error", "activation-space error"));
        html.append("<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr>");
        for (String h : heads) {
            html.append("<th>").append(Html.escape(h)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        List<SweepResult.Point> rows = new ArrayList<>();
        rows.add(sweep.original());
        rows.addAll(sweep.points());
        for (SweepResult.Point p : rows) {
            List<String> cells = new ArrayList<>(List.of(fixed(p.keep(), 3), fixed(p.keptFraction(), 4),
                    String.format(Locale.ROOT, "%,d", p.paramsAfter())));
            if (causal) {
                cells.addAll(List.of(fixed(p.perplexity(), 4), fixed(p.meanNll(), 6), fixed(p.meanKl(), 6),
                        fixed(p.top1Agreement(), 4)));
            } else {
                cells.add(fixed(p.cosineMean(), 6));
            }
            cells.addAll(List.of(fixed(p.planRelError(), 4), fixed(p.activationRelError(), 4)));
            html.append("<tr><td class=\"name\">").append(Html.escape(p.strategy())).append("</td>");
            for (String c : cells) {
                html.append("<td class=\"num\">").append(Html.escape(c)).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
    }

    /** True when the sweep's model folder is the checkpoint or holds it (or either is unknown). */
    private static boolean sameModel(String sweepModel, String checkpointPath) {
        if (sweepModel == null || sweepModel.isBlank() || checkpointPath == null) {
            return true;
        }
        try {
            Path model = Path.of(sweepModel).toAbsolutePath().normalize();
            Path checkpoint = Path.of(checkpointPath).toAbsolutePath().normalize();
            return model.equals(checkpoint) || model.equals(checkpoint.getParent());
        } catch (java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }
}
