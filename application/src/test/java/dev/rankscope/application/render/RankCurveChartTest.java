package dev.rankscope.application.render;

import dev.rankscope.application.compensate.CompensationCurveResult;
import dev.rankscope.application.model.EvaluateResult;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Quantize tab's quality-vs-rank chart at about the size it has at 1280×800 (340×200): the y-axis label is whole
 * ("mean KL(original ‖ model), lower is better" was cut at the plot's height).
 */
class RankCurveChartTest {
    private static EvaluateResult evaluation(String kind, double meanKl, double cosine) {
        EvaluateResult.Quality q = new EvaluateResult.Quality(10, Math.log(10), 100);
        EvaluateResult.Cosine c = kind.equals("causal-lm") ? null : new EvaluateResult.Cosine(cosine, cosine, cosine, 10);
        return new EvaluateResult(kind, "/models/small", "0", 64, 1, 100, q, q, meanKl, 0.9, c, "int4-g128", 7, null, 1);
    }

    @Test
    void theYAxisLabelFitsTheChart() {
        for (String kind : List.of("causal-lm", "encoder")) {
            CompensationCurveResult curve = new CompensationCurveResult(List.of(
                    new CompensationCurveResult.Point(0, evaluation(kind, 0.08, 0.95)),
                    new CompensationCurveResult.Point(8, evaluation(kind, 0.05, 0.97)),
                    new CompensationCurveResult.Point(16, evaluation(kind, 0.03, 0.98))));
            JFreeChart chart = RankCurveChart.chart();
            RankCurveChart.show(chart, curve);
            ChartRenderingInfo info = new ChartRenderingInfo();
            BufferedImage image = chart.createBufferedImage(340, 200, info);
            Rectangle2D area = info.getPlotInfo().getDataArea();
            ValueAxis y = chart.getXYPlot().getRangeAxis();
            Graphics2D g2 = image.createGraphics();
            double labelLength = g2.getFontMetrics(y.getLabelFont()).stringWidth(y.getLabel());
            g2.dispose();
            assertTrue(labelLength <= area.getHeight(), kind + ": the y label '" + y.getLabel() + "' (" + labelLength
                    + " px) is longer than the plot is high (" + area.getHeight() + " px), so it is cut");
        }
    }
}
