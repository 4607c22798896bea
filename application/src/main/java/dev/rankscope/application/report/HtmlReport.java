package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.LayerMetric;
import dev.rankscope.application.render.ReportCharts;
import dev.rankscope.application.render.ReportDatasets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.rankscope.application.report.ReportText.DATE;
import static dev.rankscope.application.report.ReportText.displayName;
import static dev.rankscope.application.report.ReportText.esc;
import static dev.rankscope.application.report.ReportText.facts;
import static dev.rankscope.application.report.ReportText.fixed;
import static dev.rankscope.application.report.ReportText.grouped;
import static dev.rankscope.application.report.ReportText.precisionSummary;
import static dev.rankscope.application.report.ReportText.sci;

/**
 * One self-contained HTML report of a checkpoint analysis (the workbench's and the CLI's reports): model summary,
 * the metrics table (the CLI's columns), the layer map, spectra of notable matrices
 * ({@link NotableMatrices}), the intruder summary when a comparison is given (SPEC §3), the plan
 * summary when a plan is given (SPEC §4–5) and a provenance footer (header SHA-256, tool version,
 * engine, dates).
 *
 * <p>The file needs nothing else: charts are PNG images embedded as {@code data:} URIs, the CSS is
 * inline, there are no scripts, external fonts or links outside the page. The markup is
 * XHTML-compatible (every element closed, only XML's five entities) so an XML parser can check it.
 * Every name taken from a checkpoint, config or plan is escaped.
 *
 * <p>Pure apart from {@link #write}; rendering draws charts with Java2D and runs headless. Not
 * tied to any thread; it takes a few hundred milliseconds per notable matrix.
 */
public final class HtmlReport {
    /** Document title prefix. */
    public static final String TITLE = "Rankscope report";
    /** Section element ids, in document order (sections without data are left out). */
    public static final String SUMMARY_ID = "summary";
    public static final String METRICS_ID = "metrics";
    public static final String LAYER_MAP_ID = "layer-map";
    public static final String SPECTRA_ID = "spectra";
    public static final String INTRUDERS_ID = "intruders";
    public static final String PLAN_ID = "plan";
    public static final String QUALITY_ID = QualitySection.ID;
    public static final String PROVENANCE_ID = "provenance";

    /** Metrics the layer map is drawn for. */
    static final List<LayerMetric> LAYER_MAP_METRICS = List.of(LayerMetric.EFFECTIVE_RANK_RATIO, LayerMetric.ALPHA);
    /** Metadata entries shown (the rest are counted). */
    static final int MAX_METADATA = 12;
    /** Metadata values longer than this are cut with an ellipsis. */
    static final int MAX_METADATA_VALUE = 160;
    /** Layer-map height: this much per layer row plus {@link #LAYER_MAP_CHROME} for title and axes. */
    static final int LAYER_MAP_ROW_PIXELS = 22;
    static final int LAYER_MAP_CHROME = 130;
    /** The plan chart spans the page: at least this wide (the report's content width). */
    static final int PLAN_CHART_WIDTH = 1140;

    private final ReportInput input;
    private final HtmlOut html = new HtmlOut();

    private HtmlReport(ReportInput input) {
        this.input = input;
    }

    /** The report as one HTML document. */
    public static String render(ReportInput input) {
        return new HtmlReport(input).document();
    }

    /**
     * Renders and writes the report atomically through {@code files}, which refuses to replace a
     * protected input (the checkpoint, base, plan).
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException when refused or the write fails
     */
    public static void write(ReportInput input, Path target, AtomicFileWriter files) {
        files.checkAllowed(target);
        files.writeBytes(target, render(input).getBytes(StandardCharsets.UTF_8));
    }

    /** Height of the layer-map image for {@code layerRows} rows at {@code size} (never below its height). */
    public static int layerMapHeight(ChartSize size, int layerRows) {
        return Math.min(ChartSize.MAX_SIDE, Math.max(size.height(), LAYER_MAP_CHROME + LAYER_MAP_ROW_PIXELS * layerRows));
    }

    // ---- document -----------------------------------------------------------------------

    private String document() {
        CheckpointAnalysis a = input.analysis();
        String name = displayName(a.source());
        html.append("<!DOCTYPE html>\n<html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\">\n<head>\n")
                .append("<meta charset=\"utf-8\" />\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n")
                .append("<meta name=\"generator\" content=\"").append(esc("Rankscope " + input.toolVersion())).append("\" />\n")
                .append("<title>").append(esc(TITLE + ": " + name)).append("</title>\n")
                .append("<style>\n").append(ReportCss.CSS).append("</style>\n</head>\n<body>\n");
        html.append("<header class=\"top\"><h1>").append(esc(TITLE)).append(": <span class=\"model\">").append(esc(name))
                .append("</span></h1>\n<p class=\"sub\">").append(esc(a.source().format())).append(" · ")
                .append(a.matrices().size()).append(" matrices analysed · ").append(esc(DATE.format(input.generated())))
                .append("</p>\n");
        toc();
        html.append("</header>\n<main>\n");
        summary();
        metricsTable();
        layerMap();
        spectra();
        if (input.comparison() != null) {
            IntruderSection.write(html, input.comparison(), input.chartSize());
        }
        if (input.plan() != null) {
            PlanSection.write(html, input.plan(), input);
        }
        if (input.quality() != null) {
            QualitySection.append(html, input.quality(), input.analysis().source().path(),
                    new ChartSize(Math.max(input.chartSize().width(), PLAN_CHART_WIDTH), input.chartSize().height() + 60));
        }
        html.append("</main>\n");
        footer();
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private void toc() {
        html.append("<nav class=\"toc\">");
        html.link(SUMMARY_ID, "Summary");
        html.link(METRICS_ID, "Metrics");
        html.link(LAYER_MAP_ID, "Layer map");
        html.link(SPECTRA_ID, "Notable spectra");
        if (input.comparison() != null) {
            html.link(INTRUDERS_ID, "Intruders");
        }
        if (input.plan() != null) {
            html.link(PLAN_ID, "Plan");
        }
        if (input.quality() != null) {
            html.link(QUALITY_ID, "Quality vs size");
        }
        html.link(PROVENANCE_ID, "Provenance");
        html.append("</nav>\n");
    }

    // ---- sections -----------------------------------------------------------------------

    private void summary() {
        CheckpointAnalysis a = input.analysis();
        SourceInfo s = a.source();
        long matrixParams = 0;
        for (MatrixAnalysis m : a.matrices()) {
            matrixParams += (long) m.rows() * m.cols();
        }
        html.open(SUMMARY_ID, "Model summary");
        html.append("<div class=\"cards\">\n");
        html.card("matrices analysed", Integer.toString(a.matrices().size()), "of " + s.matrixCount() + " matrices, "
                + s.tensorCount() + " tensors");
        html.card("parameters", grouped(input.totalParameters()), grouped(matrixParams) + " in analysed matrices");
        ReportStats st = ReportStats.of(a.matrices());
        html.card("mean effective rank / p", st.erankRatio(), "Roy–Vetterli, SPEC §1");
        html.card("mean power-law α", st.alpha(), st.over() + " with α < 2, " + st.under() + " with α > 6");
        html.card("MP spikes", Integer.toString(st.spikes()), "eigenvalues above the bulk edge");
        html.append("</div>\n");
        html.append("<table class=\"kv\">\n");
        html.kv("path", s.path());
        html.kv("format", s.format());
        html.kv("tensors", Integer.toString(s.tensorCount()));
        html.kv("matrices", s.matrixCount() + " (" + a.matrices().size() + " analysed"
                + (a.failures().isEmpty() ? "" : ", " + a.failures().size() + " failed") + ")");
        html.kv("parameters", grouped(input.totalParameters()));
        html.kv("engine", a.engine().describe());
        for (Map.Entry<String, String> e : input.modelConfig().entrySet()) {
            html.kv("config: " + e.getKey(), e.getValue());
        }
        int shown = 0;
        for (Map.Entry<String, String> e : input.metadata().entrySet()) {
            if (shown++ == MAX_METADATA) {
                html.kv("metadata", (input.metadata().size() - MAX_METADATA) + " more entries not shown");
                break;
            }
            String v = e.getValue();
            html.kv("metadata: " + e.getKey(), v.length() > MAX_METADATA_VALUE ? v.substring(0, MAX_METADATA_VALUE) + "…" : v);
        }
        html.append("</table>\n");
        if (!a.failures().isEmpty()) {
            html.warnList("Not analysed:", a.failures());
        }
        html.close();
    }

    private void metricsTable() {
        List<MatrixAnalysis> ms = input.analysis().matrices();
        html.open(METRICS_ID, "Metrics");
        html.append("<p class=\"note\">One row per matrix, the columns of <code>rankscope analyze</code>. σ₁: spectral norm; "
                + "erank: Roy–Vetterli effective rank; stable: Σσ²/σ₁²; r90/r95/r99: smallest rank keeping that share of "
                + "Σσ² (SPEC §1); α: power-law exponent of the eigenvalue tail; spikes: eigenvalues above the "
                + "Marchenko–Pastur bulk (SPEC §2, <em>q</em> = quick estimate).</p>\n");
        html.append("<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr>");
        for (String h : new String[]{"name", "layer", "type", "shape", "dtype", "σ₁", "erank", "stable", "num.rank",
            "r90", "r95", "r99", "α", "spikes"}) {
            html.append("<th>").append(esc(h)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (MatrixAnalysis a : ms) {
            RankMetrics r = a.ranks();
            String alphaClass = "";
            if (a.powerLaw() != null) {
                double al = a.powerLaw().alpha();
                alphaClass = al < PowerLaw.OVER_TRAINED_BELOW ? " class=\"lo\""
                        : al > PowerLaw.UNDER_TRAINED_ABOVE ? " class=\"hi\"" : "";
            }
            html.append("<tr><td class=\"name\">").append(esc(a.name().id())).append("</td>");
            html.num(a.name().hasLayer() ? Integer.toString(a.name().layer()) : "-");
            html.append("<td>").append(esc(a.name().module().label())).append("</td>");
            html.num(a.rows() + "×" + a.cols());
            html.append("<td>").append(esc(a.dtype().name())).append("</td>");
            html.num(sci(r.spectralNorm()));
            html.num(fixed(r.effectiveRank(), 1));
            html.num(fixed(r.stableRank(), 2));
            html.num(Integer.toString(r.numericalRank()));
            html.num(Integer.toString(r.rankAt90()));
            html.num(Integer.toString(r.rankAt95()));
            html.num(Integer.toString(r.rankAt99()));
            html.append("<td class=\"num\"><span").append(alphaClass).append(">")
                    .append(a.powerLaw() == null ? "-" : fixed(a.powerLaw().alpha(), 2)).append("</span></td>");
            html.num(a.mp() == null ? "-" : a.mp().numSpikes() + (a.mp().quick() ? " q" : ""));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        html.close();
    }

    private void layerMap() {
        List<MatrixAnalysis> ms = input.analysis().matrices();
        html.open(LAYER_MAP_ID, "Layer map");
        if (ms.isEmpty()) {
            html.append("<p class=\"note\">No matrix was analysed.</p>\n");
            html.close();
            return;
        }
        html.append("<p class=\"note\">Rows are transformer layers (<em>outside</em>: embeddings, lm_head and other "
                + "matrices outside the blocks), columns are module types; each cell is the mean over its matrices. "
                + "Grey cells have no value (e.g. no power-law fit).</p>\n<div class=\"grid wide\">\n");
        int rows = ReportDatasets.layerMap(ms, LayerMetric.EFFECTIVE_RANK_RATIO).rowLabels().size();
        ChartSize size = new ChartSize(input.chartSize().width(), layerMapHeight(input.chartSize(), rows));
        for (LayerMetric m : LAYER_MAP_METRICS) {
            html.figure(ReportCharts.layerMap(ms, m), size, "Layer map coloured by " + m.label());
        }
        html.append("</div>\n");
        html.close();
    }

    private void spectra() {
        html.open(SPECTRA_ID, "Notable spectra");
        List<NotableMatrices.Notable> notable = NotableMatrices.select(input.analysis().matrices());
        if (notable.isEmpty()) {
            html.append("<p class=\"note\">No matrix has a non-zero spectrum.</p>\n");
        } else {
            html.append("<p class=\"note\">Highest and lowest effective rank / p, the most Marchenko–Pastur spikes, and "
                    + "power-law α outliers (α &lt; 2 over-trained, α &gt; 6 under-trained; SPEC §2). Each matrix: "
                    + "scree plot, cumulative energy with the 90/95/99 % ranks, and the eigenvalue density with the "
                    + "power-law tail (red, xmin marked) and the MP bulk (green, edge λ₊ marked).</p>\n");
        }
        for (NotableMatrices.Notable n : notable) {
            MatrixAnalysis a = n.matrix();
            html.append("<article class=\"matrix\">\n<h3>").append(esc(a.name().id())).append("</h3>\n<p class=\"tags\">");
            for (String reason : n.reasons()) {
                html.append("<span class=\"tag\">").append(esc(reason)).append("</span>");
            }
            html.append("<span class=\"facts\">").append(esc(facts(a))).append("</span></p>\n<div class=\"grid\">\n");
            html.figure(ReportCharts.scree(a), input.chartSize(), "Scree plot of " + a.name().id());
            html.figure(ReportCharts.cumulativeEnergy(a), input.chartSize(), "Cumulative energy of " + a.name().id());
            html.figure(ReportCharts.esd(a), input.chartSize(), "Eigenvalue density of " + a.name().id());
            html.append("</div>\n</article>\n");
        }
        html.close();
    }

    private void footer() {
        CheckpointAnalysis a = input.analysis();
        html.append("<footer id=\"").append(PROVENANCE_ID).append("\">\n<h2>Provenance</h2>\n<table class=\"kv\">\n");
        html.kv("checkpoint", a.source().path());
        html.kv("header SHA-256", a.source().headerSha256() == null ? "not computed" : a.source().headerSha256());
        html.kv("tool", "Rankscope " + input.toolVersion());
        html.kv("engine", a.engine().describe());
        html.kv("spectra", precisionSummary(a.matrices()));
        html.kv("analysed", DATE.format(a.created()));
        html.kv("report generated", DATE.format(input.generated()));
        if (input.plan() != null) {
            html.kv("plan", input.plan().strategyName() + " for " + input.plan().source().path());
        }
        if (input.comparison() != null) {
            html.kv("comparison", input.comparison().base() + " → " + input.comparison().tuned());
        }
        if (input.quality() != null) {
            html.kv("quality vs size", input.quality().points().size() + " points on " + input.quality().model());
        }
        html.append("</table>\n<p class=\"note\">Self-contained file: no scripts, no external resources. "
                + "Formulas: Rankscope SPEC §1–4.</p>\n</footer>\n");
    }

}
