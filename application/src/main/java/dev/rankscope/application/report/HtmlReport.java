package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.application.render.ChartExport;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.LayerMetric;
import dev.rankscope.application.render.ReportCharts;
import dev.rankscope.application.render.ReportDatasets;
import org.jfree.chart.JFreeChart;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final ReportInput input;
    private final StringBuilder html = new StringBuilder(1 << 20);

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
                .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
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
            intruders(input.comparison());
        }
        if (input.plan() != null) {
            plan(input.plan());
        }
        if (input.quality() != null) {
            QualitySection.append(html, input.quality(), input.analysis().source().path(), wideChart());
        }
        html.append("</main>\n");
        footer();
        html.append("</body>\n</html>\n");
        return html.toString();
    }

    private void toc() {
        html.append("<nav class=\"toc\">");
        link(SUMMARY_ID, "Summary");
        link(METRICS_ID, "Metrics");
        link(LAYER_MAP_ID, "Layer map");
        link(SPECTRA_ID, "Notable spectra");
        if (input.comparison() != null) {
            link(INTRUDERS_ID, "Intruders");
        }
        if (input.plan() != null) {
            link(PLAN_ID, "Plan");
        }
        if (input.quality() != null) {
            link(QUALITY_ID, "Quality vs size");
        }
        link(PROVENANCE_ID, "Provenance");
        html.append("</nav>\n");
    }

    private void link(String id, String label) {
        html.append("<a href=\"#").append(id).append("\">").append(esc(label)).append("</a>");
    }

    // ---- sections -----------------------------------------------------------------------

    private void summary() {
        CheckpointAnalysis a = input.analysis();
        SourceInfo s = a.source();
        long matrixParams = 0;
        for (MatrixAnalysis m : a.matrices()) {
            matrixParams += (long) m.rows() * m.cols();
        }
        open(SUMMARY_ID, "Model summary");
        html.append("<div class=\"cards\">\n");
        card("matrices analysed", Integer.toString(a.matrices().size()), "of " + s.matrixCount() + " matrices, "
                + s.tensorCount() + " tensors");
        card("parameters", grouped(input.totalParameters()), grouped(matrixParams) + " in analysed matrices");
        Stats st = Stats.of(a.matrices());
        card("mean effective rank / p", st.erankRatio(), "Roy–Vetterli, SPEC §1");
        card("mean power-law α", st.alpha(), st.over() + " with α < 2, " + st.under() + " with α > 6");
        card("MP spikes", Integer.toString(st.spikes()), "eigenvalues above the bulk edge");
        html.append("</div>\n");
        html.append("<table class=\"kv\">\n");
        kv("path", s.path());
        kv("format", s.format());
        kv("tensors", Integer.toString(s.tensorCount()));
        kv("matrices", s.matrixCount() + " (" + a.matrices().size() + " analysed"
                + (a.failures().isEmpty() ? "" : ", " + a.failures().size() + " failed") + ")");
        kv("parameters", grouped(input.totalParameters()));
        kv("engine", a.engine().describe());
        for (Map.Entry<String, String> e : input.modelConfig().entrySet()) {
            kv("config: " + e.getKey(), e.getValue());
        }
        int shown = 0;
        for (Map.Entry<String, String> e : input.metadata().entrySet()) {
            if (shown++ == MAX_METADATA) {
                kv("metadata", (input.metadata().size() - MAX_METADATA) + " more entries not shown");
                break;
            }
            String v = e.getValue();
            kv("metadata: " + e.getKey(), v.length() > MAX_METADATA_VALUE ? v.substring(0, MAX_METADATA_VALUE) + "…" : v);
        }
        html.append("</table>\n");
        if (!a.failures().isEmpty()) {
            html.append("<div class=\"warn\"><strong>Not analysed:</strong><ul>");
            for (String f : a.failures()) {
                html.append("<li>").append(esc(f)).append("</li>");
            }
            html.append("</ul></div>\n");
        }
        close();
    }

    private void metricsTable() {
        List<MatrixAnalysis> ms = input.analysis().matrices();
        open(METRICS_ID, "Metrics");
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
            num(a.name().hasLayer() ? Integer.toString(a.name().layer()) : "-");
            html.append("<td>").append(esc(a.name().module().label())).append("</td>");
            num(a.rows() + "×" + a.cols());
            html.append("<td>").append(esc(a.dtype().name())).append("</td>");
            num(sci(r.spectralNorm()));
            num(fixed(r.effectiveRank(), 1));
            num(fixed(r.stableRank(), 2));
            num(Integer.toString(r.numericalRank()));
            num(Integer.toString(r.rankAt90()));
            num(Integer.toString(r.rankAt95()));
            num(Integer.toString(r.rankAt99()));
            html.append("<td class=\"num\"><span").append(alphaClass).append(">")
                    .append(a.powerLaw() == null ? "-" : fixed(a.powerLaw().alpha(), 2)).append("</span></td>");
            num(a.mp() == null ? "-" : a.mp().numSpikes() + (a.mp().quick() ? " q" : ""));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        close();
    }

    private void layerMap() {
        List<MatrixAnalysis> ms = input.analysis().matrices();
        open(LAYER_MAP_ID, "Layer map");
        if (ms.isEmpty()) {
            html.append("<p class=\"note\">No matrix was analysed.</p>\n");
            close();
            return;
        }
        html.append("<p class=\"note\">Rows are transformer layers (<em>outside</em>: embeddings, lm_head and other "
                + "matrices outside the blocks), columns are module types; each cell is the mean over its matrices. "
                + "Grey cells have no value (e.g. no power-law fit).</p>\n<div class=\"grid wide\">\n");
        int rows = ReportDatasets.layerMap(ms, LayerMetric.EFFECTIVE_RANK_RATIO).rowLabels().size();
        ChartSize size = new ChartSize(input.chartSize().width(), layerMapHeight(input.chartSize(), rows));
        for (LayerMetric m : LAYER_MAP_METRICS) {
            figure(ReportCharts.layerMap(ms, m), size, "Layer map coloured by " + m.label());
        }
        html.append("</div>\n");
        close();
    }

    private void spectra() {
        open(SPECTRA_ID, "Notable spectra");
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
            figure(ReportCharts.scree(a), input.chartSize(), "Scree plot of " + a.name().id());
            figure(ReportCharts.cumulativeEnergy(a), input.chartSize(), "Cumulative energy of " + a.name().id());
            figure(ReportCharts.esd(a), input.chartSize(), "Eigenvalue density of " + a.name().id());
            html.append("</div>\n</article>\n");
        }
        close();
    }

    private void intruders(IntruderSummary c) {
        open(INTRUDERS_ID, "Intruder dimensions");
        html.append("<p class=\"note\">Fine-tuned singular vector j ≤ k is an intruder when its largest |cosine| with "
                + "every base singular vector, c<sub>j</sub>, is below ε (Shuttleworth et al. 2024; SPEC §3).</p>\n");
        html.append("<div class=\"cards\">\n");
        card("intruders", Integer.toString(c.total()), "at k = " + c.k() + ", ε = " + fixed(c.epsilon(), 2));
        card("matrices with intruders", Integer.toString(c.matrices().size()), "of " + c.pairedMatrices() + " compared");
        html.append("</div>\n<table class=\"kv\">\n");
        kv("base", c.base());
        kv("fine-tuned", c.tuned());
        html.append("</table>\n");
        if (c.total() > 0) {
            figure(ReportCharts.intruderCounts(c.perLayerAndModule()), input.chartSize(), "Intruder dimensions per layer");
            html.append("<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>name</th><th>shape</th>"
                    + "<th>intruders</th><th>ranks j</th><th>σ<sub>j</sub>(W<sub>t</sub>)</th><th>c<sub>j</sub></th>"
                    + "<th>spectral distance</th></tr></thead>\n<tbody>\n");
            for (IntruderSummary.MatrixIntruders m : c.matrices()) {
                html.append("<tr><td class=\"name\">").append(esc(m.name())).append("</td>");
                num(m.shape());
                num(Integer.toString(m.count()));
                num(join(m.intruders().ranks()));
                num(join(m.intruders().sigma(), "%.4g"));
                num(join(m.intruders().maxCosine(), "%.3f"));
                num(fixed(m.spectralDistance(), 4));
                html.append("</tr>\n");
            }
            html.append("</tbody>\n</table></div>\n");
        } else {
            html.append("<p>No intruder dimensions at these settings.</p>\n");
        }
        if (!c.notes().isEmpty()) {
            html.append("<div class=\"warn\"><ul>");
            for (String note : c.notes()) {
                html.append("<li>").append(esc(note)).append("</li>");
            }
            html.append("</ul></div>\n");
        }
        close();
    }

    private void plan(Plan p) {
        PlanTotals t = p.totals();
        open(PLAN_ID, "Compression plan");
        String analysed = input.analysis().source().headerSha256();
        if (!p.source().headerSha256().isEmpty() && analysed != null && !analysed.equals(p.source().headerSha256())) {
            html.append("<div class=\"warn\">This plan was made for another checkpoint (")
                    .append(esc(p.source().path())).append(", header SHA-256 ").append(esc(abbrev(p.source().headerSha256())))
                    .append("); its matrices may not match this model.</div>\n");
        }
        html.append("<div class=\"cards\">\n");
        card("kept parameters", percent(t.keptFraction()), grouped(t.paramsAfter()) + " of " + grouped(t.paramsBefore()));
        card("compression", Double.isFinite(t.compressionRatio()) ? fixed(t.compressionRatio(), 2) + "×" : "∞",
                "before / after");
        card("factorised", Integer.toString(t.factorisedCount()), "of " + t.eligibleCount() + " eligible, "
                + t.matrixCount() + " matrices");
        card("relative error", fixed(t.relativeError(), 4), "√(Σ discarded energy / Σ‖W‖²), eligible matrices");
        html.append("</div>\n<table class=\"kv\">\n");
        kv("strategy", p.strategyName());
        kv("budget", budget(p));
        kv("made", DATE.format(p.created()) + " by " + p.tool().name() + " " + p.tool().version());
        for (String note : p.notes()) {
            kv("note", note);
        }
        html.append("</table>\n");
        figure(ReportCharts.planRanks(p), wideChart(), "Kept rank against full rank for every matrix");
        html.append("<div class=\"scroll\"><table class=\"metrics\">\n<thead><tr><th>name</th><th>shape</th><th>rank k</th>"
                + "<th>p</th><th>kept as</th><th>params after</th><th>kept</th><th>retained energy</th><th>rel. error</th>"
                + "</tr></thead>\n<tbody>\n");
        for (PlannedMatrix m : p.matrices()) {
            html.append("<tr><td class=\"name\">").append(esc(m.id())).append("</td>");
            num(m.shapeString());
            num(Integer.toString(m.rank()));
            num(Integer.toString(m.fullRank()));
            html.append("<td>").append(m.dense() ? (m.eligible() ? "dense" : "not eligible") : "factors").append("</td>");
            num(grouped(m.paramsAfter()));
            num(percent(m.keptFraction()));
            num(percent(m.retainedEnergy()));
            num(fixed(m.relativeError(), 4));
            html.append("</tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        close();
    }

    private void footer() {
        CheckpointAnalysis a = input.analysis();
        html.append("<footer id=\"").append(PROVENANCE_ID).append("\">\n<h2>Provenance</h2>\n<table class=\"kv\">\n");
        kv("checkpoint", a.source().path());
        kv("header SHA-256", a.source().headerSha256() == null ? "not computed" : a.source().headerSha256());
        kv("tool", "Rankscope " + input.toolVersion());
        kv("engine", a.engine().describe());
        kv("spectra", precisionSummary(a.matrices()));
        kv("analysed", DATE.format(a.created()));
        kv("report generated", DATE.format(input.generated()));
        if (input.plan() != null) {
            kv("plan", input.plan().strategyName() + " for " + input.plan().source().path());
        }
        if (input.comparison() != null) {
            kv("comparison", input.comparison().base() + " → " + input.comparison().tuned());
        }
        if (input.quality() != null) {
            kv("quality vs size", input.quality().points().size() + " points on " + input.quality().model());
        }
        html.append("</table>\n<p class=\"note\">Self-contained file: no scripts, no external resources. "
                + "Formulas: Rankscope SPEC §1–4.</p>\n</footer>\n");
    }

    // ---- pieces -------------------------------------------------------------------------

    private void open(String id, String title) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(title)).append("</h2>\n");
    }

    private void close() {
        html.append("</section>\n");
    }

    private void card(String label, String value, String detail) {
        html.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value\">")
                .append(esc(value)).append("</div><div class=\"detail\">").append(esc(detail)).append("</div></div>\n");
    }

    private void kv(String key, String value) {
        html.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    private void num(String text) {
        html.append("<td class=\"num\">").append(esc(text)).append("</td>");
    }

    /** Size of the charts that span the page (plan ranks, quality vs size). */
    private ChartSize wideChart() {
        return new ChartSize(Math.max(input.chartSize().width(), PLAN_CHART_WIDTH), input.chartSize().height() + 60);
    }

    private void figure(JFreeChart chart, ChartSize size, String alt) {
        appendFigure(html, chart, size, alt);
    }

    /** Appends {@code chart} as an embedded PNG {@code <figure>} of {@code size}, with {@code alt} text. */
    static void appendFigure(StringBuilder html, JFreeChart chart, ChartSize size, String alt) {
        String data = Base64.getEncoder().encodeToString(ChartExport.png(chart, size));
        html.append("<figure><img src=\"data:image/png;base64,")
                .append(data).append("\" width=\"").append(size.width()).append("\" height=\"").append(size.height())
                .append("\" alt=\"").append(esc(alt)).append("\" /></figure>\n");
    }

    private static String budget(Plan p) {
        return switch (p.budget().kind()) {
            case KEPT_FRACTION -> "keep " + percent(p.budget().keptFraction()) + " of eligible parameters";
            case PARAMS -> grouped(p.budget().amount()) + " parameters";
            case BYTES -> grouped(p.budget().amount()) + " bytes at " + p.budget().dtype().name();
        } + " (allowance " + grouped(p.totals().budgetParams()) + " parameters)";
    }

    private static String facts(MatrixAnalysis a) {
        RankMetrics r = a.ranks();
        StringBuilder sb = new StringBuilder();
        sb.append(a.rows()).append("×").append(a.cols()).append(" ").append(a.dtype().name())
                .append(" · erank ").append(fixed(r.effectiveRank(), 1)).append(" of p = ").append(a.fullRank())
                .append(" · stable rank ").append(fixed(r.stableRank(), 2));
        if (a.powerLaw() != null) {
            sb.append(" · α ").append(fixed(a.powerLaw().alpha(), 2)).append(" (xmin ").append(sci(a.powerLaw().xmin()))
                    .append(", D ").append(fixed(a.powerLaw().ksDistance(), 3)).append(")");
        }
        if (a.mp() != null) {
            sb.append(" · MP spikes ").append(a.mp().numSpikes()).append(a.mp().quick() ? " (quick estimate)" : "");
        }
        for (String w : a.warnings()) {
            sb.append(" · ").append(w);
        }
        return sb.toString();
    }

    private static String precisionSummary(List<MatrixAnalysis> ms) {
        java.util.TreeMap<String, Integer> counts = new java.util.TreeMap<>();
        for (MatrixAnalysis m : ms) {
            counts.merge(m.spectrum().precision() + " " + m.spectrum().method(), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(v + " × " + k));
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static String displayName(SourceInfo s) {
        Path p = Path.of(s.path());
        Path file = p.getFileName();
        if (file == null) {
            return s.path();
        }
        String name = file.toString();
        if (name.startsWith("model") && p.getParent() != null && p.getParent().getFileName() != null) {
            return p.getParent().getFileName() + "/" + name;
        }
        return name;
    }

    private static String esc(String s) {
        return Html.escape(s);
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    private static String sci(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-";
    }

    private static String percent(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f %%", 100 * v) : "-";
    }

    private static String grouped(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    private static String abbrev(String hash) {
        return hash.length() > 16 ? hash.substring(0, 16) + "…" : hash;
    }

    private static String join(int[] v) {
        StringBuilder sb = new StringBuilder();
        for (int x : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(x);
        }
        return sb.toString();
    }

    private static String join(double[] v, String format) {
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            sb.append(sb.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, format, x));
        }
        return sb.toString();
    }

    /** Model-wide means and counts for the summary cards. */
    private record Stats(String erankRatio, String alpha, int over, int under, int spikes) {
        static Stats of(List<MatrixAnalysis> ms) {
            double er = 0;
            int ranked = 0;
            double al = 0;
            int alphas = 0;
            int over = 0;
            int under = 0;
            int spikes = 0;
            for (MatrixAnalysis a : ms) {
                if (!a.ranks().zeroMatrix() && a.fullRank() > 0) {
                    er += a.ranks().effectiveRank() / a.fullRank();
                    ranked++;
                }
                if (a.powerLaw() != null) {
                    al += a.powerLaw().alpha();
                    alphas++;
                    over += a.powerLaw().alpha() < PowerLaw.OVER_TRAINED_BELOW ? 1 : 0;
                    under += a.powerLaw().alpha() > PowerLaw.UNDER_TRAINED_ABOVE ? 1 : 0;
                }
                if (a.mp() != null) {
                    spikes += a.mp().numSpikes();
                }
            }
            return new Stats(ranked == 0 ? "-" : fixed(er / ranked, 3), alphas == 0 ? "-" : fixed(al / alphas, 2),
                    over, under, spikes);
        }
    }

    /** Inline stylesheet: system fonts only, no external resources, no '&lt;' or '&amp;' (XML-safe). */
    private static final String CSS = """
            :root { --fg: #1a202c; --muted: #4a5568; --line: #e2e8f0; --bg: #f7fafc; --accent: #2b6cb0; }
            * { box-sizing: border-box; }
            body { margin: 0; color: var(--fg); background: var(--bg);
              font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            header.top { background: #fff; border-bottom: 1px solid var(--line); padding: 20px 32px 8px; }
            h1 { margin: 0; font-size: 24px; font-weight: 600; }
            h1 .model { color: var(--accent); }
            h2 { font-size: 19px; margin: 0 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
            h3 { font-size: 15px; margin: 0 0 4px; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
              word-break: break-all; }
            .sub { color: var(--muted); margin: 4px 0 10px; }
            nav.toc a { display: inline-block; margin: 0 14px 8px 0; color: var(--accent); text-decoration: none;
              font-size: 14px; }
            nav.toc a:hover { text-decoration: underline; }
            main { max-width: 1240px; margin: 0 auto; padding: 8px 24px; }
            section, footer { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 18px 22px;
              margin: 18px 0; }
            footer { max-width: 1192px; margin: 18px auto 32px; }
            .note { color: var(--muted); font-size: 13.5px; margin: 0 0 12px; }
            .cards { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 14px; }
            .card { flex: 1 1 180px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: var(--bg); }
            .card .label { font-size: 12.5px; color: var(--muted); }
            .card .value { font-size: 22px; font-weight: 600; }
            .card .detail { font-size: 12.5px; color: var(--muted); }
            table { border-collapse: collapse; font-size: 13px; }
            table.kv th { text-align: left; font-weight: 500; color: var(--muted); padding: 3px 16px 3px 0; vertical-align: top;
              white-space: nowrap; }
            table.kv td { padding: 3px 0; word-break: break-all; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace;
              font-size: 12.5px; }
            .scroll { max-height: 520px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
            table.metrics { width: 100%; }
            table.metrics th { position: sticky; top: 0; background: #edf2f7; text-align: left; padding: 6px 8px;
              font-weight: 600; border-bottom: 1px solid #cbd5e0; white-space: nowrap; }
            table.metrics td { padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
            table.metrics tbody tr:nth-child(even) { background: #f9fbfd; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.name { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
            span.lo { color: #c53030; font-weight: 600; }
            span.hi { color: #b7791f; font-weight: 600; }
            .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 12px; }
            .grid.wide { grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); }
            figure { margin: 0; }
            figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 4px;
              background: #fff; }
            article.matrix { border-top: 1px solid var(--line); padding-top: 14px; margin-top: 14px; }
            article.matrix:first-of-type { border-top: none; margin-top: 0; padding-top: 0; }
            .tags { margin: 0 0 10px; }
            .tag { display: inline-block; background: #ebf4ff; color: #2c5282; border-radius: 10px; padding: 1px 10px;
              margin: 0 6px 4px 0; font-size: 12.5px; }
            .facts { color: var(--muted); font-size: 12.5px; }
            .warn { background: #fffaf0; border: 1px solid #f6ad55; border-radius: 6px; padding: 8px 14px; margin: 10px 0;
              font-size: 13.5px; }
            .warn ul { margin: 4px 0; padding-left: 20px; }
            code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, monospace; font-size: 13px; }
            """;
}
