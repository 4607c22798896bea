package dev.rankscope.views.spectrum;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scree plot's σ axis at the Spectrum tab's size: one attention head of tiny-llama spans σ 0.12 … 0.3, less than
 * a decade, and its axis showed no number at all (whole decades only); a spectrum over several decades keeps whole
 * decades (10⁻², 10⁰ …), never 10^-0.2 steps.
 */
class DecadeLogAxisTest {

    /** The major ticks of the σ axis of a scree plot of {@code sigma} drawn at 360×320. */
    private static List<ValueTick> majorTicks(double... sigma) {
        XYSeries s = new XYSeries("σ");
        for (int i = 0; i < sigma.length; i++) {
            s.add(i + 1, sigma[i]);
        }
        DecadeLogAxis axis = new DecadeLogAxis("σᵢ");
        XYPlot plot = new XYPlot(new XYSeriesCollection(s), new NumberAxis("index i"), axis, new XYLineAndShapeRenderer());
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = chart.createBufferedImage(360, 320, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        Graphics2D g2 = image.createGraphics();
        try {
            @SuppressWarnings("unchecked")
            List<Tick> ticks = axis.refreshTicks(g2, new AxisState(), area, RectangleEdge.LEFT);
            return ticks.stream().filter(t -> t instanceof ValueTick v && v.getTickType() == TickType.MAJOR)
                    .map(t -> (ValueTick) t).toList();
        } finally {
            g2.dispose();
        }
    }

    @Test
    void aRangeWithinOneDecadeHasSeveralLabels() {
        List<ValueTick> ticks = majorTicks(0.3, 0.25, 0.2, 0.17, 0.15, 0.13, 0.12);
        assertTrue(ticks.size() >= 2, "labelled ticks on σ 0.12 … 0.3: " + ticks.size());
    }

    @Test
    void aRangeOverSeveralDecadesKeepsWholeDecades() {
        List<ValueTick> ticks = majorTicks(30, 3, 0.3, 0.03, 0.003, 0.0003);
        assertTrue(ticks.size() >= 2, "labelled ticks: " + ticks.size());
        for (ValueTick t : ticks) {
            double exponent = Math.log10(t.getValue());
            assertTrue(Math.abs(exponent - Math.rint(exponent)) < 1e-9, "a tick between decades: 10^" + exponent);
        }
    }
}
