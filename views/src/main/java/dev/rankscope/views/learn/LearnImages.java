package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Matrix;

import java.util.List;

/**
 * Bundled example "images" for the rank-k panel, drawn procedurally in code (so they are
 * royalty-free by construction): a test pattern, a gradient scene with shapes, and a
 * checkerboard. Each is a grayscale matrix with values in [0, 1], row-major (rows = image y).
 */
public final class LearnImages {

    /** A named example image. */
    public record Example(String name, Matrix pixels) {
        @Override
        public String toString() {
            return name;
        }
    }

    private LearnImages() {
    }

    /** The three examples at {@code size}×{@code size} pixels (size ≥ 8). */
    public static List<Example> examples(int size) {
        if (size < 8) {
            throw new IllegalArgumentException("size must be ≥ 8, got " + size);
        }
        return List.of(new Example("Gradient with shapes", scene(size)),
                new Example("Test pattern", testPattern(size)),
                new Example("Checkerboard", checkerboard(size)));
    }

    static Matrix scene(int n) {
        Matrix m = Matrix.zeros(n, n);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double v = 0.15 + 0.5 * y / n;
                double dx = x - 0.35 * n;
                double dy = y - 0.4 * n;
                if (dx * dx + dy * dy < 0.04 * n * n) {
                    v = 0.95;
                }
                if (x > 0.55 * n && x < 0.85 * n && y > 0.55 * n && y < 0.8 * n) {
                    v = 0.05;
                }
                if (Math.abs((x - 0.6 * n) - (y - 0.15 * n)) < 0.02 * n && y < 0.45 * n && y > 0.1 * n) {
                    v = 0.8;
                }
                m.set(y, x, v);
            }
        }
        return m;
    }

    static Matrix testPattern(int n) {
        Matrix m = Matrix.zeros(n, n);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double cx = x - n / 2.0;
                double cy = y - n / 2.0;
                double r = Math.sqrt(cx * cx + cy * cy);
                double v = 0.5 + 0.5 * Math.cos(r * r / (0.6 * n));
                if (y < n / 8) {
                    v = (double) (x * 8 / n) / 7.0; // grey-level bars
                }
                m.set(y, x, v);
            }
        }
        return m;
    }

    static Matrix checkerboard(int n) {
        Matrix m = Matrix.zeros(n, n);
        int cell = Math.max(1, n / 8);
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                boolean dark = ((x / cell) + (y / cell)) % 2 == 0;
                boolean diagonal = Math.abs(x - y) < Math.max(1, n / 64);
                m.set(y, x, diagonal ? 0.5 : dark ? 0.1 : 0.9);
            }
        }
        return m;
    }
}
