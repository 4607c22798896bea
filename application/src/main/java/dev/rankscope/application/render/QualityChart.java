package dev.rankscope.application.render;

import dev.rankscope.application.model.SweepResult;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;

/**
 * The quality-vs-size chart (issue "Model in the loop" §3–4): x = kept fraction of the
 * parameters, y = perplexity (causal LMs) or mean cosine to the original embeddings (encoders),
 * one line per strategy, the original model as a dashed horizontal line. Headless (JFreeChart, no
 * JavaFX): the workbench shows it, the HTML report embeds it.
 */
public final class QualityChart {
    /** The y-axis label of a causal LM's sweep (lower is better, as the report's caption says). */
    static final String Y_PERPLEXITY = "perplexity";
    /** The y-axis label of an encoder's sweep (higher is better). */
    static final String Y_COSINE = "mean cosine";

    private QualityChart() {
    }

    /** An empty chart for the workbench; fill it with {@link #dataset}. */
    public static JFreeChart chart() {
        NumberAxis x = new NumberAxis("kept fraction of the parameters");
        x.setAutoRangeIncludesZero(false);   // the sweep keeps 70–95 %: from 0 its points sat in the right quarter
        NumberAxis y = new NumberAxis("perplexity");
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        XYPlot plot = new XYPlot(new XYSeriesCollection(), x, y, r);
        return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /** The chart of {@code sweep} (a new chart). */
    public static JFreeChart chart(SweepResult sweep) {
        JFreeChart c = chart();
        show(c, sweep);
        return c;
    }

    /** Puts {@code sweep} (or nothing) into {@code chart}: dataset, y-axis label, original marker. */
    public static void show(JFreeChart chart, SweepResult sweep) {
        XYPlot plot = chart.getXYPlot();
        plot.clearRangeMarkers();
        plot.setDataset(dataset(sweep));
        plot.setDataset(1, null);
        if (sweep == null) {
            return;
        }
        boolean causal = "causal-lm".equals(sweep.kind());
        // short: the label is cut at the plot's height, and the Budget tab's chart is ~120 px high at 1280×800
        plot.getRangeAxis().setLabel(causal ? Y_PERPLEXITY : Y_COSINE);
        double original = causal ? sweep.original().perplexity() : 1;
        plot.addRangeMarker(originalMarker(original));
        includeInRange(plot, original);
    }

    /**
     * Makes the y auto-range reach {@code y} (the original model's line, below every compressed model's perplexity,
     * fell outside the plot): an invisible point at the first swept x in dataset 1.
     */
    private static void includeInRange(XYPlot plot, double y) {
        XYDataset data = plot.getDataset(0);
        if (!Double.isFinite(y) || data.getSeriesCount() == 0 || data.getItemCount(0) == 0) {
            return;
        }
        XYSeries anchor = new XYSeries("original");
        anchor.add(data.getXValue(0, 0), y);
        XYLineAndShapeRenderer invisible = new XYLineAndShapeRenderer(false, false);
        invisible.setSeriesVisibleInLegend(0, false);
        plot.setDataset(1, new XYSeriesCollection(anchor));
        plot.setRenderer(1, invisible);
    }

    /**
     * The original model's quality as a dashed grey line labelled "original" (shared with {@link RankCurveChart}).
     * The label sits above the line at its left end, inside the plot: at the right end the curves meet the original
     * and drew over it.
     */
    static ValueMarker originalMarker(double y) {
        ValueMarker m = new ValueMarker(y, Color.GRAY, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[] {6f, 4f}, 0f));
        m.setLabel("original");
        m.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.BOTTOM_LEFT);
        m.setLabelPaint(Color.GRAY);
        m.setLabelBackgroundColor(new Color(0, 0, 0, 0));   // JFreeChart's grey box hid the line under the label
        return m;
    }

    /** The legend entry of a strategy: its name, marked when the sweep planned q/k/v parts separately. */
    public static String seriesName(SweepResult sweep, String strategy) {
        return sweep.fusedParts() ? strategy + " (q/k/v parts)" : strategy;
    }

    /** One series per strategy ({@link #seriesName}): (kept fraction, perplexity or cosine). */
    public static XYSeriesCollection dataset(SweepResult sweep) {
        XYSeriesCollection c = new XYSeriesCollection();
        if (sweep == null) {
            return c;
        }
        boolean causal = "causal-lm".equals(sweep.kind());
        for (String s : sweep.strategies()) {
            XYSeries series = new XYSeries(seriesName(sweep, s), true, true);
            for (SweepResult.Point p : sweep.points()) {
                if (p.strategy().equals(s)) {
                    double y = causal ? p.perplexity() : p.cosineMean();
                    if (Double.isFinite(y)) {
                        series.add(p.keptFraction(), y);
                    }
                }
            }
            c.addSeries(series);
        }
        return c;
    }
}
