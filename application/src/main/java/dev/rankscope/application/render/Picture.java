package dev.rankscope.application.render;

import org.jfree.chart.JFreeChart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;

/**
 * Anything the app can export as an image: draws itself with Java2D into a {@code width×height}
 * area at the origin, so the same drawing yields a PNG (into a {@code BufferedImage}) and an SVG
 * (into JFreeSVG's {@code SVGGraphics2D}) — see {@link ChartExport}. JFreeCharts are pictures
 * through {@link #of(JFreeChart)}; raster heatmaps through {@link RasterPicture}; the layer map
 * draws its own grid.
 *
 * <p>Implementations paint the whole area (background included) and do not keep {@code g}.
 * Thread: whatever the drawn object allows (a chart shown on screen: the FX thread only).
 */
@FunctionalInterface
public interface Picture {

    /** Draws into {@code (0, 0, size.width(), size.height())} of {@code g}. */
    void draw(Graphics2D g, ChartSize size);

    /** The chart drawn over the whole area. */
    static Picture of(JFreeChart chart) {
        return (g, size) -> chart.draw(g, new Rectangle2D.Double(0, 0, size.width(), size.height()));
    }
}
