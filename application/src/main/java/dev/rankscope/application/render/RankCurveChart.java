package dev.rankscope.application.render;

import dev.rankscope.application.compensate.CompensationCurveResult;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The quality-vs-rank chart of a compensation (issue 16 §5): x = compensation rank (0 = the quantized
 * model alone), y = mean and smallest embedding cosine to the original (encoders) or the mean
 * KL(original ‖ model) of the next-token distributions (causal LMs: 0 is the original; the perplexities
 * are in the summary line, since a perplexity can move either way while the model gets closer to the
 * original), the original model as a dashed line. Headless (JFreeChart, no JavaFX): the Quantize
 * tab shows it.
 */
public final class RankCurveChart {
    private RankCurveChart() {
    }

    /** An empty chart; fill it with {@link #show}. */
    public static JFreeChart chart() {
        NumberAxis x = new NumberAxis("rank (0 = quantized only)");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis("quality");
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(new XYSeriesCollection(), x, y, new XYLineAndShapeRenderer(true, true));
        return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /** Puts {@code curve} (or nothing) into {@code chart}: dataset, y-axis label, original marker. */
    public static void show(JFreeChart chart, CompensationCurveResult curve) {
        XYPlot plot = chart.getXYPlot();
        plot.clearRangeMarkers();
        plot.setDataset(dataset(curve));
        if (curve == null || curve.points().isEmpty()) {
            return;
        }
        boolean causal = curve.causal();
        // short: a longer label ("mean KL(original ‖ model), lower is better") was cut at the plot's height
        plot.getRangeAxis().setLabel(causal ? "mean KL" : "cosine");
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(causal);
        plot.addRangeMarker(QualityChart.originalMarker(causal ? 0 : 1));
    }

    /** Encoders: "mean cosine" and "smallest cosine" series; causal LMs: one "mean KL to the original" series. */
    public static XYSeriesCollection dataset(CompensationCurveResult curve) {
        XYSeriesCollection c = new XYSeriesCollection();
        if (curve == null) {
            return c;
        }
        if (curve.causal()) {
            XYSeries kl = new XYSeries("mean KL to the original");
            curve.points().forEach(p -> add(kl, p.rank(), p.evaluation().meanKl()));
            c.addSeries(kl);
        } else {
            XYSeries mean = new XYSeries("mean cosine");
            XYSeries min = new XYSeries("smallest cosine");
            curve.points().forEach(p -> {
                add(mean, p.rank(), p.cosineMean());
                add(min, p.rank(), p.cosineMin());
            });
            c.addSeries(mean);
            c.addSeries(min);
        }
        return c;
    }

    private static void add(XYSeries s, int x, double y) {
        if (Double.isFinite(y)) {
            s.add(x, y);
        }
    }
}
