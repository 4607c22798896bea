package dev.rankscope.views.learn;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PNG/JPEG images as grayscale matrices for the rank-k panel: luminance
 * Y = 0.299 R + 0.587 G + 0.114 B scaled to [0, 1], rows = image y. Images larger than
 * {@link #MAX_SIDE} on the long side are box-downsampled so the SVD and dragging stay fast.
 */
public final class ImageMatrices {
    /** Longest side after downsampling. */
    public static final int MAX_SIDE = 512;
    /** The bundled example images (classpath, next to this class; copies in top-level resources/learn). */
    public static final List<String> BUNDLED = List.of("gradient-shapes.png", "test-pattern.png", "checkerboard-text.png");

    private ImageMatrices() {
    }

    /**
     * Reads {@code file}. Slow: call off the FX thread.
     *
     * @throws RankscopeException with one sentence naming the file when it is not a readable PNG/JPEG
     */
    public static Matrix read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            BufferedImage img = ImageIO.read(in);
            if (img == null) {
                throw new RankscopeException(file.getFileName() + " is not a PNG or JPEG image this Java can read");
            }
            return toMatrix(img);
        } catch (IOException e) {
            throw new RankscopeException("could not read " + file.getFileName() + " (" + e.getClass().getSimpleName() + ")",
                    e.toString(), e);
        }
    }

    /** The bundled examples that are present on the classpath, in {@link #BUNDLED} order. */
    public static List<LearnImages.Example> bundled() {
        List<LearnImages.Example> out = new ArrayList<>();
        for (String name : BUNDLED) {
            try (InputStream in = ImageMatrices.class.getResourceAsStream(name)) {
                if (in == null) {
                    continue;
                }
                BufferedImage img = ImageIO.read(in);
                if (img != null) {
                    out.add(new LearnImages.Example(pretty(name), toMatrix(img)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("bundled image " + name + " is unreadable", e);
            }
        }
        return out;
    }

    private static String pretty(String file) {
        String s = file.replace(".png", "").replace('-', ' ');
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    static Matrix toMatrix(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int f = Math.max(1, (int) Math.ceil((double) Math.max(w, h) / MAX_SIDE));
        int cols = w / f;
        int rows = h / f;
        Matrix m = Matrix.zeros(rows, cols);
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < cols; x++) {
                double sum = 0;
                for (int dy = 0; dy < f; dy++) {
                    for (int dx = 0; dx < f; dx++) {
                        int rgb = img.getRGB(x * f + dx, y * f + dy);
                        sum += 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
                    }
                }
                m.set(y, x, sum / (f * f * 255.0));
            }
        }
        return m;
    }
}
