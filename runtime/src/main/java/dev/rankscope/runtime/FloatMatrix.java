package dev.rankscope.runtime;

/**
 * A row-major float32 matrix (activations: one row per token). The array is shared, not copied:
 * a matrix handed to an observer or sink is a read-only view valid only during that call, and
 * matrices in a {@link ForwardResult} belong to the caller.
 *
 * @param rows rows (tokens)
 * @param cols columns (features)
 * @param data {@code rows·cols} elements, row {@code i} at {@code [i·cols, (i+1)·cols)}
 */
public record FloatMatrix(int rows, int cols, float[] data) {

    public FloatMatrix {
        if (rows < 0 || cols < 0 || data == null || (long) rows * cols > data.length) {
            throw new IllegalArgumentException("matrix " + rows + "×" + cols + " does not fit its data");
        }
    }

    /** A zero matrix. */
    public static FloatMatrix zeros(int rows, int cols) {
        return new FloatMatrix(rows, cols, new float[Math.multiplyExact(rows, cols)]);
    }

    public float get(int row, int col) {
        return data[row * cols + col];
    }

    /** Row {@code row} as a new array. */
    public float[] row(int row) {
        float[] out = new float[cols];
        System.arraycopy(data, row * cols, out, 0, cols);
        return out;
    }

    /** Rows {@code [from, to)} copied into a new matrix. */
    public FloatMatrix rows(int from, int to) {
        float[] out = new float[(to - from) * cols];
        System.arraycopy(data, from * cols, out, 0, out.length);
        return new FloatMatrix(to - from, cols, out);
    }
}
