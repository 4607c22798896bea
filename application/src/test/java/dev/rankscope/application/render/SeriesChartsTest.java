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
}
