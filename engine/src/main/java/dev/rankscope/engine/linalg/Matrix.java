package dev.rankscope.engine.linalg;

/**
 * A dense real matrix, row-major, float64. Used for SVD inputs and factor outputs.
 * The array is shared, not copied: callers that need immutability copy it themselves.
 *
 * @param rows m
 * @param cols n
 * @param data row-major values, length m·n; element (i, j) is {@code data[i * cols + j]}
 */
public record Matrix(int rows, int cols, double[] data) {

    public Matrix {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException("data length " + data.length + " != " + rows + "x" + cols);
        }
    }

    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    public double get(int i, int j) {
        return data[i * cols + j];
    }

    public void set(int i, int j, double v) {
        data[i * cols + j] = v;
    }

    /** min(m, n). */
    public int minDim() {
        return Math.min(rows, cols);
    }

    public Matrix transpose() {
        double[] t = new double[data.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = data[i * cols + j];
            }
        }
        return new Matrix(cols, rows, t);
    }

    public Matrix copy() {
        return new Matrix(rows, cols, data.clone());
    }

    /** True when every entry is finite (no NaN, no ±Inf). */
    public boolean isFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
