package dev.rankscope.application.render;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.naming.ModuleType;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DatasetRenderingOrder;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StackedBarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;

/**
 * Builds the report's charts (plain JFreeChart, no JavaFX) from {@link ReportDatasets}: scree plot,
 * cumulative energy, ESD with power-law and Marchenko–Pastur fits, layer map heatmap, intruder
 * counts per layer and the plan's kept vs full ranks. Every call returns a new chart over new
 * datasets; render it with {@link ChartExport}. Safe from any thread (nothing shared).
 */
public final class ReportCharts {
    /** Main series colour (blue). */
    static final Color PRIMARY = new Color(0x2b6cb0);
    /** Fit / highlight colour (red). */
    static final Color ACCENT = new Color(0xc53030);
    /** Second fit colour (green). */
    static final Color SECONDARY = new Color(0x2f855a);
    private static final Color GRID = new Color(0xe2e8f0);
    private static final Color MARKER = new Color(0x4a5568);
    static final Color MISSING = new Color(0xcbd5e0);
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    private static final Font MARKER_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 10);
    private static final BasicStroke DASHED = new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
            10f, new float[]{4f, 3f}, 0f);
    /** Energy thresholds drawn on the cumulative-energy chart (SPEC §1 defaults). */
    static final double[] ENERGY_LINES = {0.90, 0.95, 0.99};
    /** Above this many categories the plan chart drops its per-matrix tick labels. */
    static final int MAX_LABELLED_CATEGORIES = 48;
    /** Marker labels past this fraction of the axis go left of their line so they stay inside the plot. */
    static final double LABEL_FLIP = 0.6;

    private ReportCharts() {
    }

    /** σ_i against i on a log σ axis, with the effective rank marked. */
    public static JFreeChart scree(MatrixAnalysis a) {
        XYSeriesCollection data = ReportDatasets.scree(a, "σ_i");
        NumberAxis x = new NumberAxis("index i");
        x.setAutoRangeIncludesZero(false);
        LogAxis y = new LogAxis("singular value σ_i");
        if (data.getSeries(0).getItemCount() > 0) {
            logTicks(y, data.getSeries(0).getMinY(), data.getSeries(0).getMaxY());
        }
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, a.fullRank() <= 64);
        r.setSeriesPaint(0, PRIMARY);
        r.setSeriesStroke(0, new BasicStroke(1.6f));
        XYPlot plot = new XYPlot(data, x, y, r);
        RankMetrics ranks = a.ranks();
        if (!ranks.zeroMatrix() && data.getSeries(0).getItemCount() > 0) {
            plot.addDomainMarker(marker(ranks.effectiveRank(),
                    String.format(Locale.ROOT, "erank %.1f", ranks.effectiveRank()),
                    ranks.effectiveRank() > LABEL_FLIP * a.fullRank()));
        }
        return chart("Scree plot", plot, false);
    }

    /** Cumulative energy with 90/95/99 % lines and the ranks where each is crossed. */
    public static JFreeChart cumulativeEnergy(MatrixAnalysis a) {
        XYSeriesCollection data = ReportDatasets.cumulativeEnergy(a, "cumulative energy");
        NumberAxis x = new NumberAxis("rank k");
        NumberAxis y = new NumberAxis("retained energy");
        y.setRange(0, 1.02);
        y.setNumberFormatOverride(java.text.NumberFormat.getPercentInstance(Locale.ROOT));
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        r.setSeriesPaint(0, PRIMARY);
        r.setSeriesStroke(0, new BasicStroke(1.8f));
        XYPlot plot = new XYPlot(data, x, y, r);
        RankMetrics ranks = a.ranks();
        int[] crossings = {ranks.rankAt90(), ranks.rankAt95(), ranks.rankAt99()};
        for (int i = 0; i < ENERGY_LINES.length; i++) {
            ValueMarker h = new ValueMarker(ENERGY_LINES[i], GRID.darker(), DASHED);
            plot.addRangeMarker(h, Layer.BACKGROUND);
            if (!ranks.zeroMatrix()) {
                ValueMarker v = marker(crossings[i], String.format(Locale.ROOT, "r%.0f = %d", ENERGY_LINES[i] * 100, crossings[i]),
                        crossings[i] > LABEL_FLIP * a.fullRank());
                v.setLabelOffset(new RectangleInsets(4 + 14 * i, 4, 4, 4));
                plot.addDomainMarker(v);
            }
        }
        return chart("Cumulative energy", plot, false);
    }

    /**
     * Histogram of λ = σ² on log–log axes with the power-law tail fit (α; xmin marked) and the
     * Marchenko–Pastur bulk density (bulk edge λ₊ marked).
     */
    public static JFreeChart esd(MatrixAnalysis a) {
        EsdData d = ReportDatasets.esd(a);
        LogAxis x = new LogAxis("eigenvalue λ = σ²");
        LogAxis y = new LogAxis("density");
        XYBarRenderer bars = new XYBarRenderer();
        bars.setUseYInterval(true);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(true);
        bars.setSeriesPaint(0, new Color(0x90cdf4));
        bars.setSeriesOutlinePaint(0, new Color(0x3182ce));
        XYPlot plot = new XYPlot(d.histogram(), x, y, bars);
        XYLineAndShapeRenderer tail = new XYLineAndShapeRenderer(true, false);
        tail.setSeriesPaint(0, ACCENT);
        tail.setSeriesStroke(0, new BasicStroke(2f));
        plot.setDataset(1, d.powerLaw());
        plot.setRenderer(1, tail);
        XYLineAndShapeRenderer mp = new XYLineAndShapeRenderer(true, false);
        mp.setSeriesPaint(0, SECONDARY);
        mp.setSeriesStroke(0, new BasicStroke(2f));
        plot.setDataset(2, d.mp());
        plot.setRenderer(2, mp);
        plot.setDatasetRenderingOrder(DatasetRenderingOrder.FORWARD);
        boolean hasBars = d.histogram().getSeriesCount() > 0 && d.histogram().getItemCount(0) > 0;
        double top = hasBars ? maxY(d) * 4 : 1;
        if (top > d.floor()) {
            y.setRange(d.floor(), top);
            logTicks(y, d.floor(), top);
        }
        double xLo = hasBars ? d.histogram().getStartXValue(0, 0) : 1;
        double xHi = hasBars ? d.histogram().getEndXValue(0, d.histogram().getItemCount(0) - 1) : 10;
        if (hasBars) {
            logTicks(x, xLo, xHi);
        }
        if (Double.isFinite(d.xmin())) {
            plot.addDomainMarker(marker(d.xmin(), String.format(Locale.ROOT, "xmin (α = %.2f)", d.alpha()),
                    logPosition(d.xmin(), xLo, xHi) > LABEL_FLIP));
        }
        if (Double.isFinite(d.bulkEdge())) {
            ValueMarker edge = marker(d.bulkEdge(), "MP edge λ₊", logPosition(d.bulkEdge(), xLo, xHi) > LABEL_FLIP);
            edge.setPaint(SECONDARY);
            edge.setLabelOffset(new RectangleInsets(20, 4, 4, 4));
            plot.addDomainMarker(edge);
        }
        return chart("Eigenvalue density (ESD)", plot, true);
    }

    private static double maxY(EsdData d) {
        double m = 0;
        for (int i = 0; i < d.histogram().getItemCount(0); i++) {
            m = Math.max(m, d.histogram().getYValue(0, i));
        }
        return m;
    }

    /**
     * The layer map: layers (rows, L0 at the top) × module types (columns), each cell coloured by
     * {@code metric} on a viridis scale with a legend bar; cells without a value are grey.
     */
    public static JFreeChart layerMap(java.util.List<MatrixAnalysis> matrices, LayerMetric metric) {
        LayerMapData d = ReportDatasets.layerMap(matrices, metric);
        SymbolAxis x = new SymbolAxis("module", d.columnLabels().toArray(String[]::new));
        x.setGridBandsVisible(false);
        SymbolAxis y = new SymbolAxis("layer", d.rowLabels().toArray(String[]::new));
        y.setGridBandsVisible(false);
        y.setInverted(true);
        double lo = Double.isFinite(d.min()) ? d.min() : 0;
        double hi = Double.isFinite(d.max()) && d.max() > lo ? d.max() : lo + 1;
        ViridisScale scale = new ViridisScale(lo, hi, MISSING);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        r.setBlockWidth(0.94);
        r.setBlockHeight(0.94);
        r.setBlockAnchor(RectangleAnchor.CENTER);
        XYPlot plot = new XYPlot(d.dataset(), x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        JFreeChart chart = chart("Layer map: " + metric.label(), plot, false);
        NumberAxis legendAxis = new NumberAxis(metric.label());
        legendAxis.setRange(lo, hi);
        legendAxis.setTickLabelFont(TICK_FONT);
        legendAxis.setLabelFont(LABEL_FONT);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        legend.setMargin(new RectangleInsets(8, 8, 8, 8));
        legend.setStripWidth(14);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(legend);
        return chart;
    }

    /** Intruder counts per layer, stacked by module type (SPEC §3). */
    public static JFreeChart intruderCounts(SortedMap<Integer, Map<ModuleType, Integer>> perLayerAndModule) {
        DefaultCategoryDataset data = ReportDatasets.intruderCounts(perLayerAndModule);
        StackedBarRenderer r = new StackedBarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setMaximumBarWidth(0.08);
        Color[] palette = {PRIMARY, ACCENT, SECONDARY, new Color(0xd69e2e), new Color(0x805ad5), new Color(0x319795),
            new Color(0xdd6b20), new Color(0x718096)};
        for (int s = 0; s < data.getRowCount(); s++) {
            r.setSeriesPaint(s, palette[s % palette.length]);
        }
        NumberAxis y = new NumberAxis("intruder dimensions");
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis("layer"), y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        return chart("Intruder dimensions per layer", plot, data.getRowCount() > 0);
    }

    /** Kept rank k against full rank p for every matrix of {@code plan} (SPEC §4–5). */
    public static JFreeChart planRanks(Plan plan) {
        DefaultCategoryDataset data = ReportDatasets.planRanks(plan);
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setItemMargin(0);
        r.setSeriesPaint(0, new Color(0xcbd5e0));
        r.setSeriesPaint(1, PRIMARY);
        CategoryAxis x = new CategoryAxis("matrix");
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_90);
        x.setCategoryMargin(0.15);
        if (data.getColumnCount() > MAX_LABELLED_CATEGORIES) {
            x.setTickLabelsVisible(false);
            x.setLabel("matrix (" + data.getColumnCount() + ", in checkpoint order)");
        }
        NumberAxis y = new NumberAxis("rank");
        CategoryPlot plot = new CategoryPlot(data, x, y, r);
        return chart("Plan: kept vs full rank (" + plan.strategyName() + ")", plot, true);
    }

    /** A dashed vertical marker labelled at the top, the label left of the line when {@code labelLeft}. */
    private static ValueMarker marker(double value, String label, boolean labelLeft) {
        ValueMarker m = new ValueMarker(value, MARKER, DASHED);
        m.setLabel(label);
        m.setLabelFont(MARKER_FONT);
        m.setLabelPaint(MARKER);
        m.setLabelAnchor(labelLeft ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT);
        m.setLabelTextAnchor(labelLeft ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT);
        return m;
    }

    /** Where {@code v} sits on a log axis from {@code lo} to {@code hi}, 0..1. */
    private static double logPosition(double v, double lo, double hi) {
        return hi > lo && lo > 0 ? Math.log(v / lo) / Math.log(hi / lo) : 0;
    }

    /**
     * Readable ticks on a log axis for data in [lo, hi]: ticks only at whole decades, labelled 10ⁿ
     * (every second or fifth decade when the data spans many), with minor marks between. When the
     * data spans fewer than two decades the range widens to the enclosing decades, so there are
     * always at least two labelled ticks and never fractional-exponent labels like 10^-0.6.
     */
    static void logTicks(LogAxis axis, double lo, double hi) {
        if (!(lo > 0) || !(hi > lo) || !Double.isFinite(hi)) {
            return;
        }
        double decades = Math.log10(hi / lo);
        if (decades < 2) {
            double bottom = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
            double top = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
            if (!(top > bottom)) {
                top = bottom * 10;
            }
            axis.setRange(bottom, top);
            decades = Math.log10(top / bottom);
        }
        axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(decades > 24 ? 5 : decades > 10 ? 2 : 1));
        axis.setMinorTickMarksVisible(true);
        axis.setMinorTickCount(decades > 10 ? 1 : 9);
    }

    static JFreeChart chart(String title, org.jfree.chart.plot.Plot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(title, TITLE_FONT, plot, legend);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        TextTitle t = chart.getTitle();
        t.setPaint(new Color(0x1a202c));
        t.setPosition(RectangleEdge.TOP);
        if (plot instanceof XYPlot xy) {
            style(xy.getDomainAxis());
            style(xy.getRangeAxis());
            xy.setBackgroundPaint(Color.WHITE);
            xy.setDomainGridlinePaint(GRID);
            xy.setRangeGridlinePaint(GRID);
            xy.setOutlinePaint(GRID.darker());
        } else if (plot instanceof CategoryPlot cp) {
            style(cp.getDomainAxis());
            style(cp.getRangeAxis());
            cp.setBackgroundPaint(Color.WHITE);
            cp.setRangeGridlinePaint(GRID);
            cp.setOutlinePaint(GRID.darker());
        }
        LegendTitle l = chart.getLegend();
        if (l != null) {
            l.setFrame(BlockBorder.NONE);
            l.setItemFont(TICK_FONT);
            l.setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }

    private static void style(org.jfree.chart.axis.Axis axis) {
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        axis.setLabelPaint(new Color(0x2d3748));
        axis.setTickLabelPaint(new Color(0x4a5568));
    }

    /**
     * Viridis colour scale (perceptually uniform, colour-blind safe) over [lower, upper], sampled
     * at nine stops and interpolated linearly; NaN and out-of-range values clamp, NaN to {@code missing}.
     */
    static final class ViridisScale implements PaintScale, java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private static final int[] STOPS = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80,
            0x5ec962, 0xaddc30, 0xfde725};
        private final double lower;
        private final double upper;
        private final Color missing;
        private final double from;
        private final double to;

        ViridisScale(double lower, double upper, Color missing) {
            this(lower, upper, missing, 0, 1);
        }

        /**
         * Uses only the part [from, to] of the scale (0 = dark purple, 1 = yellow): lines drawn with
         * it stay visible on a dark plot (the purple end is not) and on a white one (the yellow end is not).
         */
        ViridisScale(double lower, double upper, Color missing, double from, double to) {
            if (!(upper > lower)) {
                throw new IllegalArgumentException("upper must exceed lower");
            }
            if (!(0 <= from && from < to && to <= 1)) {
                throw new IllegalArgumentException("window must lie in [0, 1], got " + from + ".." + to);
            }
            this.lower = lower;
            this.upper = upper;
            this.missing = missing;
            this.from = from;
            this.to = to;
        }

        @Override
        public double getLowerBound() {
            return lower;
        }

        @Override
        public double getUpperBound() {
            return upper;
        }

        @Override
        public Paint getPaint(double value) {
            if (Double.isNaN(value)) {
                return missing;
            }
            double t = from + (to - from) * Math.max(0, Math.min(1, (value - lower) / (upper - lower)));
            double pos = t * (STOPS.length - 1);
            int i = Math.min((int) pos, STOPS.length - 2);
            double f = pos - i;
            Color a = new Color(STOPS[i]);
            Color b = new Color(STOPS[i + 1]);
            return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
        }
    }
}
