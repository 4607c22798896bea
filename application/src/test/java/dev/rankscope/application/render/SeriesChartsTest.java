package dev.rankscope.application.render;

import dev.rankscope.application.sweep.SeriesPlots;
import dev.rankscope.application.sweep.SeriesQuantity;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Series tab's trajectory chart over two checkpoints at steps 1 and 2, drawn at the tab's size: the step axis is
 * labelled at whole steps (it read 1.0 1.2 1.4 1.6 1.8 2.0, steps that no checkpoint has).
 */
class SeriesChartsTest {
    @Test
    void theStepAxisIsLabelledAtWholeSteps() {
        SeriesPlots.Axis steps = new SeriesPlots.Axis("step", new double[] {1, 2});
        List<SeriesPlots.Line> lines = List.of(
                new SeriesPlots.Line("L0", 0, new double[] {1, 2}, new double[] {95.2, 95.3}),
                new SeriesPlots.Line("L1", 1, new double[] {1, 2}, new double[] {92.8, 92.9}));
        JFreeChart chart = SeriesCharts.trajectories(new SeriesPlots.Trajectories(SeriesQuantity.named("effective_rank"),
                new SeriesPlots.Scope(SeriesPlots.ScopeKind.MODULE, "q"), steps, lines));
        chart.createBufferedImage(370, 260);
        NumberAxis x = (NumberAxis) chart.getXYPlot().getDomainAxis();
        double unit = x.getTickUnit().getSize();
        assertTrue(unit >= 1, "step labels every " + unit);
        assertEquals(Math.rint(unit), unit, "step labels every " + unit);
    }

    /**
     * Lines coloured by depth stay visible on both themes' plot backgrounds (the views' ChartTheme:
     * #fafafc light, #1e1f22 dark): on the full viridis scale layer 0 (#440154) had a contrast of 1.1
     * against the dark plot and the last layer (#fde725) 1.2 against the light one.
     */
    @Test
    void depthColoursStayVisibleOnLightAndDarkPlots() {
        SeriesPlots.Axis steps = new SeriesPlots.Axis("step", new double[] {1, 2});
        List<SeriesPlots.Line> lines = new java.util.ArrayList<>();
        for (int layer = 0; layer < 12; layer++) {
            lines.add(new SeriesPlots.Line("L" + layer, layer, new double[] {1, 2}, new double[] {layer, layer + 1}));
        }
        JFreeChart chart = SeriesCharts.trajectories(new SeriesPlots.Trajectories(SeriesQuantity.named("effective_rank"),
                new SeriesPlots.Scope(SeriesPlots.ScopeKind.MODULE, "q"), steps, lines));
        var renderer = chart.getXYPlot().getRenderer();
        for (int i = 0; i < lines.size(); i++) {
            java.awt.Color c = (java.awt.Color) renderer.getSeriesPaint(i);
            for (java.awt.Color plot : new java.awt.Color[] {new java.awt.Color(0xfafafc), new java.awt.Color(0x1e1f22)}) {
                double ratio = contrast(c, plot);
                assertTrue(ratio >= 1.5, "layer " + i + " " + Integer.toHexString(c.getRGB()) + " on "
                        + Integer.toHexString(plot.getRGB()) + ": contrast " + ratio);
            }
        }
    }

    /** WCAG contrast ratio of two colours. */
    private static double contrast(java.awt.Color a, java.awt.Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    private static double luminance(java.awt.Color c) {
        return 0.2126 * linear(c.getRed()) + 0.7152 * linear(c.getGreen()) + 0.0722 * linear(c.getBlue());
    }

    private static double linear(int channel) {
        double v = channel / 255.0;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
