package dev.rankscope.application.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * A picture of a small raster (a heatmap whose pixels are matrix cells): the pixels scaled to the
 * chosen size with nearest-neighbour sampling, so every cell stays a crisp block, under an
 * optional caption, on a white background. The raster keeps its aspect ratio and is centred.
 * In SVG the raster is embedded as one PNG {@code <image>} scaled by the viewer, which keeps the
 * file small whatever the cell count.
 *
 * <p>Immutable: the pixel array is copied.
 *
 * @param argb    row-major pixels, {@code 0xAARRGGBB}, length {@code width × height}
 * @param width   raster columns
 * @param height  raster rows
 * @param caption text drawn above the raster, or empty
 */
public record RasterPicture(int[] argb, int width, int height, String caption) implements Picture {
    /** Caption font size relative to the shorter side (clamped to 10…48 pt). */
    private static final double CAPTION_FRACTION = 0.045;

    public RasterPicture {
        if (width <= 0 || height <= 0 || argb.length != (long) width * height) {
            throw new IllegalArgumentException("raster of " + width + "×" + height + " needs " + (long) width * height
                    + " pixels, got " + argb.length);
        }
        argb = argb.clone();
        caption = caption == null ? "" : caption;
    }

    @Override
    public int[] argb() {
        return argb.clone();
    }

    @Override
    public void draw(Graphics2D g, ChartSize size) {
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, size.width(), size.height());
        int top = 0;
        if (!caption.isEmpty()) {
            int pt = (int) Math.max(10, Math.min(48, Math.min(size.width(), size.height()) * CAPTION_FRACTION));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, pt));
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            FontMetrics fm = g.getFontMetrics();
            g.setColor(Color.DARK_GRAY);
            g.drawString(caption, Math.max(0, (size.width() - fm.stringWidth(caption)) / 2), fm.getAscent() + 2);
            top = fm.getHeight() + 4;
        }
        double scale = Math.min(size.width() / (double) width, (size.height() - top) / (double) height);
        if (scale <= 0) {
            return;
        }
        int w = (int) Math.round(width * scale);
        int h = (int) Math.round(height * scale);
        BufferedImage raster = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        raster.setRGB(0, 0, width, height, argb, 0, width);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        g.drawImage(raster, (size.width() - w) / 2, top + (size.height() - top - h) / 2, w, h, null);
    }
}
