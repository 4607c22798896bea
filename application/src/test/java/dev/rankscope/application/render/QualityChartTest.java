package dev.rankscope.application.render;

import dev.rankscope.application.model.SweepResult;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quality-vs-size chart at the size the Budget tab's Model panel gives it at 1280×800 (about 340×170): the y-axis
 * label is whole ("perplexity (lower is" was cut at the plot's height) and the x axis spans the swept fractions, not
 * 0 … 1 (the points sat in the right quarter of the plot), and the y axis reaches the original model's dashed line,
 * which lay below the plot.
 */
class QualityChartTest {
    private static SweepResult sweep(String kind) {
        SweepResult.Point original = new SweepResult.Point("original", 1, 1, 2_000_000, 75.49, Math.log(75.49),
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        List<SweepResult.Point> points = List.of(
                new SweepResult.Point("uniform-params", 0.95, 0.95, 1_900_000, 75.6, 4.33, 0.001, 0.99, 0.99, 0.02, 0.02),
                new SweepResult.Point("uniform-params", 0.85, 0.85, 1_700_000, 76.0, 4.34, 0.004, 0.98, 0.98, 0.05, 0.05),
                new SweepResult.Point("uniform-params", 0.7, 0.7, 1_400_000, 77.3, 4.35, 0.010, 0.95, 0.95, 0.09, 0.09));
        return new SweepResult(kind, "/models/small", original, points);
    }

    @Test
    void theYAxisLabelFitsAndTheXAxisSpansTheSweepAtTheBudgetTabsSize() {
        for (String kind : List.of("causal-lm", "encoder")) {
            JFreeChart chart = QualityChart.chart(sweep(kind));
            ChartRenderingInfo info = new ChartRenderingInfo();
            BufferedImage image = chart.createBufferedImage(340, 170, info);
            Rectangle2D area = info.getPlotInfo().getDataArea();
            XYPlot plot = chart.getXYPlot();
            ValueAxis y = plot.getRangeAxis();
            Graphics2D g2 = image.createGraphics();
            double labelLength = g2.getFontMetrics(y.getLabelFont()).stringWidth(y.getLabel());
            g2.dispose();
            assertTrue(labelLength <= area.getHeight(), kind + ": the y label '" + y.getLabel() + "' (" + labelLength
                    + " px) is longer than the plot is high (" + area.getHeight() + " px), so it is cut");
            assertTrue(plot.getDomainAxis().getLowerBound() > 0.5, kind + ": the x axis starts at "
                    + plot.getDomainAxis().getLowerBound() + " for a sweep over 0.7 … 0.95");
            double original = kind.equals("causal-lm") ? 75.49 : 1;
            assertTrue(y.getRange().contains(original), kind + ": the original model's line at " + original
                    + " lies outside the y axis " + y.getRange());
            assertEquals(1, plot.getLegendItems().getItemCount(), kind + ": one legend entry, the strategy");
        }
    }
}
