package dev.rankscope.views.spectrum;

import dev.rankscope.views.service.Theme;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.util.AttrStringUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import java.awt.Graphics2D;
import java.awt.font.TextAttribute;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.text.AttributedCharacterIterator;
import java.text.CharacterIterator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scree plot's σ axis at the Spectrum tab's sizes, drawn by JFreeChart with the tick label font: one attention
 * head of tiny-llama spans σ 0.12 … 0.3, less than a decade, and its axis showed no number at all (whole decades
 * only); tiny-llama's scree over 1.5 decades was then labelled at every tenth of a decade (10^0.4 … 10^-1.1, 17 px
 * apart); a spectrum over many decades keeps whole decades (10⁻², 10⁰ …), never 10^-0.2 steps. Neighbouring labels
 * always keep 20 px of free space and a short range has two labels or more.
 */
class DecadeLogAxisTest {
    /** Free pixels between two label boxes that count as "about 20 px" (text bounds are fractional). */
    private static final double GAP = 19.5;

    /** The major ticks of a log axis and the rectangle each label occupies, drawn in a chart of width×height. */
    private record Drawn(List<LogTick> ticks, List<Rectangle2D> boxes, Rectangle2D dataArea) {
        List<String> labels() {
            return ticks.stream().map(DecadeLogAxisTest::text).toList();
        }

        /** The least free space between two neighbouring labels along the axis, in pixels. */
        double leastGap(boolean vertical) {
            double least = Double.POSITIVE_INFINITY;
            for (int i = 1; i < boxes.size(); i++) {
                Rectangle2D a = boxes.get(i - 1);
                Rectangle2D b = boxes.get(i);
                double gap = vertical ? Math.abs(a.getCenterY() - b.getCenterY()) - (a.getHeight() + b.getHeight()) / 2
                        : Math.abs(a.getCenterX() - b.getCenterX()) - (a.getWidth() + b.getWidth()) / 2;
                least = Math.min(least, gap);
            }
            return least;
        }
    }

    /** The σ axis (left, {@code vertical}) or an x axis (bottom) over {@code values}, charted at width×height. */
    private static Drawn draw(boolean vertical, int width, int height, double... values) {
        XYSeries s = new XYSeries("σ");
        for (int i = 0; i < values.length; i++) {
            s.add(vertical ? i + 1 : values[i], vertical ? values[i] : i + 1);
        }
        DecadeLogAxis axis = new DecadeLogAxis("σᵢ");
        NumberAxis other = new NumberAxis("index i");
        XYPlot plot = vertical ? new XYPlot(new XYSeriesCollection(s), other, axis, new XYLineAndShapeRenderer())
                : new XYPlot(new XYSeriesCollection(s), axis, other, new XYLineAndShapeRenderer());
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        ChartTheme.apply(chart, Theme.LIGHT);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = chart.createBufferedImage(width, height, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        RectangleEdge edge = vertical ? RectangleEdge.LEFT : RectangleEdge.BOTTOM;
        Graphics2D g2 = image.createGraphics();
        try {
            g2.setFont(axis.getTickLabelFont());
            @SuppressWarnings("unchecked")
            List<Tick> all = axis.refreshTicks(g2, new AxisState(), area, edge);
            List<LogTick> ticks = all.stream().filter(t -> t instanceof LogTick v && v.getTickType() == TickType.MAJOR)
                    .map(t -> (LogTick) t).sorted(Comparator.comparingDouble(LogTick::getValue)).toList();
            List<Rectangle2D> boxes = new ArrayList<>();
            for (LogTick t : ticks) {
                Rectangle2D b = AttrStringUtils.getTextBounds(t.getAttributedLabel(), g2);
                double at = axis.valueToJava2D(t.getValue(), area, edge);
                boxes.add(vertical ? new Rectangle2D.Double(0, at - b.getHeight() / 2, b.getWidth(), b.getHeight())
                        : new Rectangle2D.Double(at - b.getWidth() / 2, 0, b.getWidth(), b.getHeight()));
            }
            return new Drawn(ticks, boxes, area);
        } finally {
            g2.dispose();
        }
    }

    /** The major ticks of the σ axis of a scree plot of {@code sigma} drawn at 360×320. */
    private static List<LogTick> majorTicks(double... sigma) {
        return draw(true, 360, 320, sigma).ticks();
    }

    /** A label as a user reads it, a raised exponent after '^'. */
    private static String text(LogTick t) {
        AttributedCharacterIterator it = t.getAttributedLabel().getIterator();
        StringBuilder b = new StringBuilder();
        boolean raised = false;
        for (char c = it.first(); c != CharacterIterator.DONE; c = it.next()) {
            boolean r = it.getAttribute(TextAttribute.SUPERSCRIPT) != null;
            if (r && !raised) {
                b.append('^');
            }
            raised = r;
            b.append(c);
        }
        return b.toString();
    }

    /** σ falling geometrically from {@code top} to {@code bottom} in {@code n} values. */
    private static double[] spectrum(double top, double bottom, int n) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = top * Math.pow(bottom / top, i / (n - 1.0));
        }
        return s;
    }

    @Test
    void aRangeWithinOneDecadeHasSeveralLabels() {
        Drawn d = draw(true, 360, 320, 0.3, 0.25, 0.2, 0.17, 0.15, 0.13, 0.12);
        assertTrue(d.ticks().size() >= 2, "labelled ticks on σ 0.12 … 0.3: " + d.labels());
        assertTrue(d.leastGap(true) >= GAP, "labels closer than 20 px: " + d.leastGap(true) + " " + d.labels());
    }

    @Test
    void aRangeOverSeveralDecadesKeepsWholeDecades() {
        List<LogTick> ticks = majorTicks(30, 3, 0.3, 0.03, 0.003, 0.0003);
        assertTrue(ticks.size() >= 2, "labelled ticks: " + ticks.size());
        for (LogTick t : ticks) {
            double exponent = Math.log10(t.getValue());
            assertTrue(Math.abs(exponent - Math.rint(exponent)) < 1e-9, "a tick between decades: 10^" + exponent);
        }
    }

    @Test
    void tinyLlamasScreeOverOneAndAHalfDecadesHasFewWellSpacedRoundLabels() {
        double[] sigma = spectrum(Math.pow(10, 0.4), Math.pow(10, -1.1), 64);
        for (int height : new int[] {300, 340, 400}) {
            Drawn d = draw(true, 420, height, sigma);
            String where = "σ 10^0.4 … 10^-1.1 at height " + height + ": " + d.labels();
            assertTrue(d.ticks().size() >= 2 && d.ticks().size() <= 6, "labels: " + where);
            assertTrue(d.leastGap(true) >= GAP, "labels closer than 20 px (" + d.leastGap(true) + "): " + where);
            for (LogTick t : d.ticks()) {
                double exponent = Math.floor(Math.log10(t.getValue()) + 1e-9);
                double mantissa = t.getValue() / Math.pow(10, exponent);
                assertTrue(List.of(1.0, 2.0, 3.0, 5.0).stream().anyMatch(m -> Math.abs(m - mantissa) < 1e-9),
                        "a label that is not 1, 2, 3 or 5 × 10ᵏ: " + t.getValue() + " in " + where);
            }
        }
        assertEquals(List.of("0.1", "0.2", "0.5", "1", "2"), draw(true, 420, 400, sigma).labels());
    }

    @Test
    void tinyRangesStillGetTwoLabelsOrMore() {
        double[][] ranges = {{0.21, 0.2}, {1.001, 1.0}, {3.3e-7, 3.0e-7}, {5200, 5000}};
        for (double[] r : ranges) {
            for (int height : new int[] {140, 320}) {
                Drawn d = draw(true, 360, height, spectrum(r[0], r[1], 16));
                String where = "σ " + r[1] + " … " + r[0] + " at height " + height + ": " + d.labels();
                assertTrue(d.ticks().size() >= 2, "fewer than two labels: " + where);
                assertTrue(d.leastGap(true) >= GAP, "labels closer than 20 px (" + d.leastGap(true) + "): " + where);
            }
        }
        assertTrue(draw(true, 360, 320, spectrum(3.3e-7, 3.0e-7, 16)).labels().stream()
                .allMatch(l -> l.endsWith("×10^-7")), "labels of σ ≈ 3·10⁻⁷ in the form m×10⁻⁷");
    }

    @Test
    void longRangesGetWholeDecadesWellSpaced() {
        for (int height : new int[] {200, 320, 600}) {
            Drawn d = draw(true, 360, height, spectrum(10, 1e-12, 64));
            String where = "σ 10⁻¹² … 10 at height " + height + ": " + d.labels();
            assertTrue(d.ticks().size() >= 3, "labels: " + where);
            assertTrue(d.leastGap(true) >= GAP, "labels closer than 20 px (" + d.leastGap(true) + "): " + where);
            assertTrue(d.labels().stream().allMatch(l -> l.startsWith("10^")), "whole decades only: " + where);
        }
    }

    @Test
    void aHorizontalAxisSpacesLabelsByTheirWidth() {
        for (double[] r : new double[][] {{0.0085, 7.4}, {0.5, 3}, {1e-9, 1e3}}) {
            for (int width : new int[] {360, 730, 1380}) {
                Drawn d = draw(false, width, 300, spectrum(r[0], r[1], 24));
                String where = "λ " + r[0] + " … " + r[1] + " at width " + width + ": " + d.labels();
                assertTrue(d.ticks().size() >= 2, "fewer than two labels: " + where);
                assertTrue(d.leastGap(false) >= GAP, "labels closer than 20 px (" + d.leastGap(false) + "): " + where);
            }
        }
    }
}
