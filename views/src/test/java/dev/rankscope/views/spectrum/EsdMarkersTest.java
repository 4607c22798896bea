package dev.rankscope.views.spectrum;

import dev.rankscope.views.service.Theme;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.ui.Layer;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pixel checks of the Spectrum tab's ESD chart as the workbench builds it (light theme), at the sizes the tab
 * has at 1280×800 and 1920×1080, with λ up to 7.4 as tiny-llama's embedding gives (the axis ends just past 10¹): the
 * right-most x tick label is whole (it was cut at the chart's edge), the "MP bulk edge λ₊" label lies inside
 * the plot and clear of the x-axis (it sat on the axis among the tick labels), and the xmin and λ₊ labels never
 * overlap, also when the two lines are close (xmin = 0.08, λ₊ = 0.12 on tiny-llama). The labels use no subscript or
 * superscript glyphs, which the chart font draws a few pixels high ("λ₊" read as "λ").
 */
class EsdMarkersTest {
    private static final Color TAIL = new Color(0xc0, 0x39, 0x2b);
    private static final Color MP = new Color(0x27, 0x80, 0x60);

    private record Drawn(BufferedImage image, Rectangle2D dataArea, double xminX, double mpX) {
    }

    /** The ESD chart over a histogram of λ in [0.0085, 7.4], with the markers at {@code xmin} and {@code mpEdge} (NaN: none). */
    private static Drawn draw(double xmin, double mpEdge, int width, int height) {
        JFreeChart chart = SpectrumView.esdChart();
        ChartTheme.apply(chart, Theme.LIGHT);
        XYPlot plot = chart.getXYPlot();
        XYIntervalSeries bars = new XYIntervalSeries("embed", false, true);
        double lo = 0.0085;
        double ratio = Math.pow(7.4 / lo, 1.0 / 24);
        for (int b = 0; b < 24; b++) {
            double a = lo * Math.pow(ratio, b);
            double density = 15 * Math.pow(a / lo, -1.2);
            bars.add(Math.sqrt(a * a * ratio), a, a * ratio, density, 1e-3, density);
        }
        XYIntervalSeriesCollection esd = new XYIntervalSeriesCollection();
        esd.addSeries(bars);
        plot.setDataset(0, esd);
        plot.getRenderer(0).setSeriesPaint(0, SpectrumView.PALETTE[0]);
        EsdMarkers.apply(plot, xmin, 1.90, mpEdge, TAIL, MP, new Color(0xfa, 0xfa, 0xfc, 210));
        chart.getLegend().setVisible(false);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = chart.createBufferedImage(width, height, info);
        Rectangle2D area = info.getPlotInfo().getDataArea();
        double xminX = Double.isNaN(xmin) ? Double.NaN : plot.getDomainAxis().valueToJava2D(xmin, area, plot.getDomainAxisEdge());
        double mpX = Double.isNaN(mpEdge) ? Double.NaN : plot.getDomainAxis().valueToJava2D(mpEdge, area, plot.getDomainAxisEdge());
        return new Drawn(image, area, xminX, mpX);
    }

    /** Pixels of {@code colour} that are not on the dashed line at {@code lineX}: the label's. */
    private static Set<Long> labelPixels(Drawn d, Predicate<Color> colour, double lineX) {
        Set<Long> out = new HashSet<>();
        for (int y = 0; y < d.image().getHeight(); y++) {
            for (int x = 0; x < d.image().getWidth(); x++) {
                if (colour.test(new Color(d.image().getRGB(x, y))) && Math.abs(x - lineX) > 1.5) {
                    out.add(((long) x << 32) | y);
                }
            }
        }
        return out;
    }

    /** The smallest rectangle holding {@code pixels}. */
    private static Rectangle2D box(Set<Long> pixels) {
        long left = pixels.stream().mapToLong(p -> p >>> 32).min().orElseThrow();
        long right = pixels.stream().mapToLong(p -> p >>> 32).max().orElseThrow();
        long top = pixels.stream().mapToLong(p -> p & 0xffffffffL).min().orElseThrow();
        long bottom = pixels.stream().mapToLong(p -> p & 0xffffffffL).max().orElseThrow();
        return new Rectangle2D.Double(left, top, right - left + 1, bottom - top + 1);
    }

    private static boolean isMp(Color c) {
        return c.getGreen() - c.getRed() > 40 && c.getGreen() > c.getBlue() + 10;
    }

    private static boolean isTail(Color c) {
        return c.getRed() > 120 && c.getRed() - c.getGreen() > 60 && c.getRed() - c.getBlue() > 60;
    }

    private static void checkInsideAndClearOfTheAxis(Drawn d, Set<Long> pixels, String what) {
        assertTrue(pixels.size() > 40, what + " is drawn: " + pixels.size() + " pixels");
        Rectangle2D b = box(pixels);
        Rectangle2D a = d.dataArea();
        assertTrue(b.getMinX() > a.getMinX() + 1 && b.getMaxX() < a.getMaxX() - 1 && b.getMinY() > a.getMinY(),
                what + " is cut by the plot's edge: " + b + " in " + a);
        assertTrue(b.getMaxY() < a.getMaxY() - 12, what + " sits on the x-axis: its lowest pixel is at y " + b.getMaxY()
                + ", the axis at " + a.getMaxY());
    }

    /** Subscript and superscript code points: U+2070–U+209F, and the modifier letters U+1D62–U+1D6A (ᵢ ᵣ ᵤ ᵥ ᵦ ᵧ ᵨ ᵩ ᵪ). */
    private static boolean isSmallGlyph(int codePoint) {
        return codePoint >= 0x2070 && codePoint <= 0x209F || codePoint >= 0x1D62 && codePoint <= 0x1D6A;
    }

    @Test
    void theMarkerLabelsAreWrittenAtTheirFontsFullSize() {
        XYPlot plot = SpectrumView.esdChart().getXYPlot();
        EsdMarkers.apply(plot, 0.08, 1.90, 0.12, TAIL, MP, Color.WHITE);
        Collection<?> markers = plot.getDomainMarkers(Layer.FOREGROUND);
        assertEquals(2, markers.size(), "the xmin and λ+ markers");
        List<String> labels = new ArrayList<>();
        for (Object o : markers) {
            ValueMarker m = (ValueMarker) o;
            String label = m.getLabel();
            labels.add(label);
            assertEquals(-1, m.getLabelFont().canDisplayUpTo(label), "a glyph the label font lacks in '" + label + "'");
            assertTrue(label.codePoints().noneMatch(EsdMarkersTest::isSmallGlyph),
                    "a subscript or superscript glyph in '" + label + "'");
        }
        assertTrue(labels.contains("MP bulk edge λ+"), "the bulk edge is named: " + labels);
    }

    @Test
    void theLastTickLabelIsWholeAtTheTabsSizes() {
        for (int[] size : new int[][] {{730, 300}, {1000, 330}, {1380, 420}}) {
            BufferedImage image = draw(0.08, 0.12, size[0], size[1]).image();
            int background = image.getRGB(0, 0);
            for (int x = size[0] - 3; x < size[0]; x++) {
                for (int y = 0; y < size[1]; y++) {
                    assertEquals(background, image.getRGB(x, y), size[0] + "×" + size[1]
                            + ": something is drawn at the chart's right edge (x " + x + ", y " + y + "): a cut tick label");
                }
            }
        }
    }

    @Test
    void theBulkEdgeLabelLiesInsideThePlotClearOfTheAxisAndApartFromXmin() {
        for (double[] lines : new double[][] {{0.08, 0.12}, {0.5, 0.45}, {0.02, 8.0}, {5.0, 0.011}}) {
            for (int[] size : new int[][] {{730, 300}, {1380, 420}}) {
                String where = "xmin " + lines[0] + ", λ₊ " + lines[1] + " at " + size[0] + "×" + size[1];
                Drawn both = draw(lines[0], lines[1], size[0], size[1]);
                Set<Long> mp = labelPixels(both, EsdMarkersTest::isMp, both.mpX());
                Set<Long> tail = labelPixels(both, EsdMarkersTest::isTail, both.xminX());
                checkInsideAndClearOfTheAxis(both, mp, where + ": the λ₊ label");
                checkInsideAndClearOfTheAxis(both, tail, where + ": the xmin label");
                Rectangle2D mpBox = box(mp);
                Rectangle2D tailBox = box(tail);
                assertTrue(!mpBox.intersects(tailBox), where + ": the two labels overprint: " + mpBox + " and " + tailBox);
            }
        }
    }
}
