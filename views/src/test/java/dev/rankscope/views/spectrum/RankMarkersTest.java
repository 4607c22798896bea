package dev.rankscope.views.spectrum;

import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pixel checks of the r90/r95/r99 labels on the cumulative-energy chart at the workbench's size, with the
 * crossings real all-MiniLM-L6-v2 weights give (r90 = 11, r95 = 13 of p = 384): no label is drawn outside the
 * plot's data area (over the axis), and no two labels share a pixel. The same checks with ranks near p.
 */
class RankMarkersTest {
    private static final Color MARKER = new Color(0xc0, 0x39, 0x2b);
    private static final int P = 384;

    /** The cumulative-energy chart as the Spectrum tab builds it, with only {@code shown} of the crossings marked. */
    private static JFreeChart chart(List<Integer> crossings, Set<Integer> shown) {
        XYSeries curve = new XYSeries("energy");
        for (int k = 1; k <= P; k++) {
            curve.add(k, 1 - Math.exp(-k / 5.0));
        }
        NumberAxis energy = new NumberAxis("retained energy");
        energy.setRange(0, 1.02);
        XYPlot plot = new XYPlot(new XYSeriesCollection(curve), new NumberAxis("rank k"), energy, RankMarkers.renderer());
        plot.getRenderer().setSeriesPaint(0, Color.BLUE);
        plot.setBackgroundPaint(Color.WHITE);
        RankMarkers.apply(plot, crossings, MARKER);
        List<?> markers = List.copyOf(plot.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND));
        for (int i = 0; i < markers.size(); i++) {
            if (!shown.contains(i)) {
                plot.removeDomainMarker((org.jfree.chart.plot.Marker) markers.get(i));
            }
        }
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private record Drawn(Set<Long> labelPixels, Rectangle2D dataArea, int outside) {
    }

    /** Marker-coloured pixels that are not on a marker line (the labels), and how many lie outside the data area. */
    private static Drawn draw(List<Integer> crossings, Set<Integer> shown, int width, int height) {
        ChartRenderingInfo info = new ChartRenderingInfo();
        JFreeChart chart = chart(crossings, shown);
        BufferedImage image = chart.createBufferedImage(width, height, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        XYPlot plot = (XYPlot) chart.getPlot();
        Set<Double> lines = new HashSet<>();
        for (int i : shown) {
            lines.add(plot.getDomainAxis().valueToJava2D(crossings.get(i), area, plot.getDomainAxisEdge()));
        }
        Set<Long> pixels = new HashSet<>();
        int outside = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                Color c = new Color(image.getRGB(x, y));
                if (!isMarker(c)) {
                    continue;
                }
                final int px = x;
                if (lines.stream().anyMatch(lx -> Math.abs(lx - px) <= 1.5)) {
                    continue; // the dashed line itself
                }
                pixels.add(((long) x << 32) | y);
                if (!area.contains(x + 0.5, y + 0.5)) {
                    outside++;
                }
            }
        }
        return new Drawn(pixels, area, outside);
    }

    /** The marker red, allowing for anti-aliasing against white. */
    private static boolean isMarker(Color c) {
        return c.getRed() > 120 && c.getRed() - c.getGreen() > 60 && c.getRed() - c.getBlue() > 60;
    }

    private static void checkLabels(List<Integer> crossings, int width, int height) {
        Drawn all = draw(crossings, Set.of(0, 1, 2), width, height);
        assertTrue(all.labelPixels().size() > 100, "the labels are drawn: " + all.labelPixels().size() + " pixels");
        assertEquals(0, all.outside(), crossings + " at " + width + "×" + height + ": label pixels outside the plot "
                + all.dataArea());
        long highest = all.labelPixels().stream().mapToLong(p -> p & 0xffffffffL).min().orElseThrow();
        assertTrue(highest > all.dataArea().getCenterY(), crossings + ": the labels left their rows above the x-axis (y "
                + highest + " in " + all.dataArea() + "), up where the 90/95/99 % lines run");
        for (int a = 0; a < 3; a++) {
            // the plot clips what spills over its edge: a cut label touches the edge, a whole one keeps clear of it
            Drawn alone = draw(crossings, Set.of(a), width, height);
            long left = alone.labelPixels().stream().mapToLong(p -> p >>> 32).min().orElseThrow();
            long right = alone.labelPixels().stream().mapToLong(p -> p >>> 32).max().orElseThrow();
            assertTrue(left > alone.dataArea().getMinX() + 1 && right < alone.dataArea().getMaxX() - 1,
                    crossings + ": label " + RankMarkers.NAMES.get(a) + " is cut by the plot edge (x " + left + ".." + right
                            + " in " + alone.dataArea() + ")");
            for (int b = a + 1; b < 3; b++) {
                Set<Long> shared = new HashSet<>(draw(crossings, Set.of(a), width, height).labelPixels());
                shared.retainAll(draw(crossings, Set.of(b), width, height).labelPixels());
                assertTrue(shared.isEmpty(), crossings + ": labels " + RankMarkers.NAMES.get(a) + " and "
                        + RankMarkers.NAMES.get(b) + " overprint at " + shared.size() + " pixels");
            }
        }
    }

    @Test
    void closeSmallRanksAsOnMiniLmStayInsideThePlotAndApart() {
        checkLabels(List.of(11, 13, 30), 460, 260);
        checkLabels(List.of(11, 13, 30), 900, 420);
    }

    @Test
    void ranksNearPStayInsideThePlotAndApart() {
        checkLabels(List.of(370, 380, 384), 460, 260);
        checkLabels(List.of(180, 190, 200), 460, 260);
    }
}
