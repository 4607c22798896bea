package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.StrategyComparison;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.util.List;

/**
 * JFreeChart charts of the Budget tab and the datasets they show. Datasets are built fresh for
 * each plan (any thread) and swapped into the plot on the FX thread; a dataset a visible chart
 * shows is never mutated.
 */
public final class BudgetCharts {
    private static final Color FULL = new Color(0xc8, 0xcc, 0xd4);
    private static final Color KEPT = new Color(0x2f, 0x6f, 0xd0);
    private static final Color DENSE = new Color(0xe0, 0x8a, 0x2c);
    private static final Color[] STRATEGY_COLOURS = {new Color(0x2f, 0x6f, 0xd0), new Color(0xd0, 0x4a, 0x2f),
            new Color(0x2c, 0x9a, 0x5a), new Color(0x8a, 0x4f, 0xc0)};

    private BudgetCharts() {
    }

    /** Ranks chart: per matrix (x = position in the checkpoint), full rank p behind the kept rank k. */
    public static JFreeChart ranksChart() {
        NumberAxis x = new NumberAxis("matrix (checkpoint order: layer, module)");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        // bars end 0.4 past the first and the last matrix: 5 % margins labelled matrices -1 and n that do not exist
        x.setLowerMargin(0.01);
        x.setUpperMargin(0.01);
        NumberAxis y = new NumberAxis("rank");
        XYBarRenderer r = new XYBarRenderer(0.1);
        r.setBarPainter(new StandardXYBarPainter());
        r.setShadowVisible(false);
        r.setSeriesPaint(0, FULL);
        r.setSeriesPaint(1, KEPT);
        r.setSeriesPaint(2, DENSE);
        r.setDefaultToolTipGenerator((dataset, series, item) -> dataset.getSeriesKey(series) + ": "
                + (int) dataset.getYValue(series, item));
        XYPlot plot = new XYPlot(ranksDataset(null), x, y, r);
        plot.setOrientation(PlotOrientation.VERTICAL);
        // XYPlot draws the last series first by default, which put the grey full-rank bars over the kept ranks
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /** Series: full rank p, kept rank k of factorised matrices, rank of matrices kept dense. */
    public static XYSeriesCollection ranksDataset(Plan plan) {
        XYSeries full = new XYSeries("full rank p", false, true);
        XYSeries kept = new XYSeries("kept rank k (factorised)", false, true);
        XYSeries dense = new XYSeries("kept dense", false, true);
        if (plan != null) {
            List<PlannedMatrix> ms = plan.matrices();
            for (int i = 0; i < ms.size(); i++) {
                PlannedMatrix m = ms.get(i);
                full.add(i, m.fullRank());
                if (m.factorised()) {
                    kept.add(i, m.rank());
                } else if (m.eligible()) {
                    dense.add(i, m.rank());
                }
            }
        }
        XYSeriesCollection c = new XYSeriesCollection();
        c.addSeries(full);
        c.addSeries(kept);
        c.addSeries(dense);
        c.setIntervalWidth(0.8);
        return c;
    }

    /** Comparison chart: relative error per layer, one line per strategy. */
    public static JFreeChart comparisonChart() {
        NumberAxis x = new NumberAxis("layer (−1 = outside the blocks)");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis y = new NumberAxis("relative Frobenius error of the layer");
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < STRATEGY_COLOURS.length; i++) {
            r.setSeriesPaint(i, STRATEGY_COLOURS[i]);
        }
        XYPlot plot = new XYPlot(comparisonDataset(null), x, y, r);
        return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /** One series per compared strategy: (layer, relative error of its eligible matrices). */
    public static XYSeriesCollection comparisonDataset(StrategyComparison cmp) {
        XYSeriesCollection c = new XYSeriesCollection();
        if (cmp == null) {
            return c;
        }
        for (StrategyComparison.Entry e : cmp.entries()) {
            XYSeries s = new XYSeries(e.strategy().strategyName(), true, false);
            for (StrategyComparison.LayerError l : e.layers()) {
                s.add(l.layer(), l.relativeError());
            }
            c.addSeries(s);
        }
        return c;
    }
}
