package dev.rankscope.views.budget;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ranks chart draws the kept rank in front of the full rank, so both are visible, and its x axis labels only
 * matrices that exist (0 … n−1; it read -1 and n at the ends).
 */
class BudgetChartsTest {

    @Test
    void keptRankBarIsDrawnOverTheFullRankBar() {
        JFreeChart chart = BudgetCharts.ranksChart();
        XYSeriesCollection data = (XYSeriesCollection) ((XYPlot) chart.getPlot()).getDataset();
        XYSeries full = data.getSeries(0);
        XYSeries kept = data.getSeries(1);
        full.add(0, 100);
        kept.add(0, 40);
        full.add(1, 100);
        kept.add(1, 60);
        XYPlot plot = (XYPlot) chart.getPlot();
        plot.getRangeAxis().setRange(0, 110);
        plot.getDomainAxis().setRange(-0.5, 1.5);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage img = chart.createBufferedImage(400, 300, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        int x = (int) plot.getDomainAxis().valueToJava2D(0, area, RectangleEdge.BOTTOM);
        int yKept = (int) plot.getRangeAxis().valueToJava2D(20, area, RectangleEdge.LEFT);
        int yFullOnly = (int) plot.getRangeAxis().valueToJava2D(80, area, RectangleEdge.LEFT);
        assertEquals(0x2f6fd0, img.getRGB(x, yKept) & 0xffffff, "kept-rank colour below k");
        assertEquals(0xc8ccd4, img.getRGB(x, yFullOnly) & 0xffffff, "full-rank colour between k and p");
    }

    @Test
    void theMatrixAxisLabelsOnlyMatricesThatExist() {
        JFreeChart chart = BudgetCharts.ranksChart();
        XYPlot plot = (XYPlot) chart.getPlot();
        XYSeriesCollection data = (XYSeriesCollection) plot.getDataset();
        int n = 30;
        for (int i = 0; i < n; i++) {
            data.getSeries(0).add(i, 128);
            data.getSeries(1).add(i, 40);
        }
        for (int width : new int[] {700, 1000, 1480}) {
            chart.createBufferedImage(width, 300);
            double lower = plot.getDomainAxis().getLowerBound();
            double upper = plot.getDomainAxis().getUpperBound();
            assertTrue(lower > -1 && lower <= -0.4, "at width " + width + " the axis starts at " + lower);
            assertTrue(upper < n && upper >= n - 0.6, "at width " + width + " the axis ends at " + upper);
        }
    }
}
