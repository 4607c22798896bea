package dev.rankscope.application.render;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Renders a JFreeChart to PNG bytes or SVG text at a chosen {@link ChartSize}. Plain Java2D (no
 * JavaFX): works with {@code java.awt.headless=true} in the CLI and in CI. SVG comes from JFreeSVG,
 * since JFreeChart itself writes only raster formats.
 *
 * <p>Thread safety: a chart must not be drawn by two threads at once, nor while a visible view
 * mutates its dataset; render a chart built for the export (the report builds its own).
 */
public final class ChartExport {

    private ChartExport() {
    }

    /**
     * The chart drawn into a {@code width×height} RGB image, encoded as PNG. Opaque: charts have a
     * background paint, and RGB encodes faster and smaller than ARGB.
     */
    public static byte[] png(JFreeChart chart, ChartSize size) {
        return png(Picture.of(chart), size);
    }

    /**
     * The picture drawn into a {@code width×height} RGB image (so the PNG is exactly that many
     * pixels), encoded as PNG. The picture paints its own background. Same as
     * {@code encodePng(render(picture, size))}.
     */
    public static byte[] png(Picture picture, ChartSize size) {
        return encodePng(render(picture, size));
    }

    /**
     * The picture drawn into a new {@code width×height} RGB image (anti-aliased shapes and text).
     * Runs on whichever thread may draw the picture (a chart shown on screen: the FX thread); the
     * returned image is the caller's own, so it can be encoded on another thread.
     */
    public static BufferedImage render(Picture picture, ChartSize size) {
        BufferedImage image = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            picture.draw(g, size);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** {@code image} encoded as PNG bytes; does not modify the image; any thread (not the FX thread for big images). */
    public static byte[] encodePng(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            ChartUtils.writeBufferedImageAsPNG(out, image);
        } catch (IOException e) {
            // a ByteArrayOutputStream does not fail; an encoder failure is a programming error
            throw new UncheckedIOException("PNG encoding failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The chart as a standalone SVG document ({@code <svg …>…</svg>}, no XML prolog, so it can be
     * inlined in HTML or saved as a {@code .svg} file) with {@code width}/{@code height} attributes
     * from {@code size}.
     */
    public static String svg(JFreeChart chart, ChartSize size) {
        return svg(Picture.of(chart), size);
    }

    /** The picture as a standalone SVG element with {@code width}/{@code height} from {@code size}. */
    public static String svg(Picture picture, ChartSize size) {
        SVGGraphics2D g = new SVGGraphics2D(size.width(), size.height());
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        picture.draw(g, size);
        return g.getSVGElement();
    }

    /**
     * The picture as an {@code .svg} file: the XML prolog and the SVG element, UTF-8 encoded, as
     * written by chart export.
     */
    public static byte[] svgDocument(Picture picture, ChartSize size) {
        return svgDocument(svg(picture, size));
    }

    /** An SVG element from {@link #svg(Picture, ChartSize)} as an {@code .svg} file: XML prolog added, UTF-8. Any thread. */
    public static byte[] svgDocument(String svgElement) {
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svgElement)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
