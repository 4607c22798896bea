package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;
import org.bytedeco.javacpp.FloatPointer;

import java.nio.FloatBuffer;

/**
 * Reads a {@link MatrixRef} from a {@link TensorSource} as a dense float64 {@link Matrix} in
 * (out, in) orientation, applying the slice offset, transposition and row/column selection the
 * ref declares. The matrix is freshly allocated; the source is not modified.
 *
 * <p>A selected part ({@link MatrixRef#selection()}) is read row by row of the stored layout:
 * only the selected rows when the tensor is stored (out, in), and only the stored rows that are
 * selected columns when it is stored transposed (in, out); the rest of the tensor is not decoded.
 */
public final class MatrixReader {
    private MatrixReader() {
    }

    /** Elements per row block of {@link #readFloat}: 1 Mi (4 MB of float32). */
    private static final int FLOAT_BLOCK_ELEMENTS = 1 << 20;

    public static Matrix read(TensorSource source, MatrixRef ref) {
        long elements = ref.numel();
        long first = firstElement(source, ref);
        if (ref.selection() != null) {
            return readPart(source, ref, first);
        }
        double[] data = new double[(int) elements];
        source.readElements(ref.tensor(), first, (int) elements, data, 0);
        if (!ref.transposed()) {
            return new Matrix(ref.rows(), ref.cols(), data);
        }
        // stored as (cols, rows): transpose to (rows, cols)
        return new Matrix(ref.cols(), ref.rows(), data).transpose();
    }

    /**
     * Reads {@code ref} in float32 into {@code dst} as the row-major (out, in) matrix, i.e.
     * {@code ref.rows() × ref.cols()} values, and returns ‖A‖²_F accumulated in float64 over the
     * float32 values (exact widenings of BF16, F16 and F32 data). Whole tensors are read in row
     * blocks of the stored layout ({@link TensorSource#readElements(String, long, int, float[], int)},
     * which widens BF16/F16/F32 directly); a selected part is read with {@link #read} and narrowed.
     *
     * @throws LinalgException for a NaN or infinite value (a float64 value beyond the float32
     *                         range counts as infinite), naming its (row, column)
     */
    public static double readFloat(TensorSource source, MatrixRef ref, FloatPointer dst) {
        int m = ref.rows();
        int n = ref.cols();
        if (dst.limit() - dst.position() < (long) m * n) {
            throw new IllegalArgumentException("buffer of " + (dst.limit() - dst.position()) + " floats for a "
                    + ref.shapeString() + " matrix");
        }
        FloatBuffer out = dst.asBuffer();
        if (ref.selection() != null) {
            double[] d = read(source, ref).data();
            float[] block = new float[d.length];
            for (int k = 0; k < d.length; k++) {
                block[k] = (float) d[k];
            }
            double sum = sumOfSquares(block, d.length, n, 0, ref);
            out.put(block);
            return sum;
        }
        long first = firstElement(source, ref);
        int c = ref.transposed() ? m : n;     // stored (r, c): (rows, cols), or (cols, rows) when transposed
        int r = ref.transposed() ? n : m;
        int unit = Math.max(1, FLOAT_BLOCK_ELEMENTS / Math.max(1, c));
        float[] block = new float[Math.min(unit, r) * c];
        double sum = 0;
        for (int row = 0; row < r; row += unit) {
            int count = Math.min(unit, r - row);
            source.readElements(ref.tensor(), first + (long) row * c, count * c, block, 0);
            sum += sumOfSquares(block, count * c, c, row, ref);
            if (!ref.transposed()) {
                out.put(block, 0, count * c);
            } else {
                for (int s = 0; s < count; s++) {          // stored row row+s is column row+s of A
                    for (int i = 0; i < c; i++) {
                        out.put(i * n + row + s, block[s * c + i]);
                    }
                }
            }
        }
        return sum;
    }

    /**
     * Σv² over {@code block[0..len)} in float64; refuses a non-finite value, naming its position in A.
     * The check costs nothing per element: squares of finite floats (≤ 1.2e77) cannot overflow a
     * float64 sum of fewer than 2³¹ terms, so the sum is finite exactly when every value is, and
     * only a non-finite sum is searched for its first bad value. Four partial sums keep the
     * additions from waiting on each other.
     */
    private static double sumOfSquares(float[] block, int len, int width, int firstRow, MatrixRef ref) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            double v0 = block[k];
            double v1 = block[k + 1];
            double v2 = block[k + 2];
            double v3 = block[k + 3];
            s0 += v0 * v0;
            s1 += v1 * v1;
            s2 += v2 * v2;
            s3 += v3 * v3;
        }
        for (; k < len; k++) {
            double v = block[k];
            s0 += v * v;
        }
        double sum = (s0 + s1) + (s2 + s3);
        if (!Double.isFinite(sum)) {
            refuseNonFinite(block, len, width, firstRow, ref);
        }
        return sum;
    }

    private static void refuseNonFinite(float[] block, int len, int width, int firstRow, MatrixRef ref) {
        for (int k = 0; k < len; k++) {
            float v = block[k];
            if (!Float.isFinite(v)) {
                int storedRow = firstRow + k / width;
                int storedCol = k % width;
                int row = ref.transposed() ? storedCol : storedRow;
                int col = ref.transposed() ? storedRow : storedCol;
                throw new LinalgException("Matrix " + ref.id() + " contains NaN or infinite values, so its spectrum cannot be computed.",
                        "non-finite value " + v + " at (" + row + ", " + col + ") of the " + ref.rows() + "x"
                                + ref.cols() + " matrix " + ref.id());
            }
        }
    }

    /** The tensor element where {@code ref} starts, after refusing refs that are not one loadable matrix. */
    private static long firstElement(TensorSource source, MatrixRef ref) {
        if (ref.numel() > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(source.path(), CheckpointFormatException.Category.TOO_LARGE,
                    "matrix " + ref.id() + " (" + ref.shapeString() + ") is too large to load at once");
        }
        if (ref.isPooled()) {
            throw new CheckpointFormatException(source.path(), CheckpointFormatException.Category.IO,
                    "matrix " + ref.id() + " is a pooled set of conv slices, not one matrix; read its slices (MatrixRef.pooledSlice)");
        }
        return ref.slice() < 0 ? 0 : ref.slice() * ref.baseNumel();
    }

    private static Matrix readPart(TensorSource source, MatrixRef ref, long first) {
        MatrixSelection sel = ref.selection();
        int rows = ref.rows();
        int cols = ref.cols();
        double[] out = new double[rows * cols];
        if (!ref.transposed()) {
            // stored (baseRows, baseCols): selected row i is stored row sel.rowIndex(i)
            int bc = sel.baseCols();
            double[] line = sel.allCols() ? null : new double[bc];
            for (int i = 0; i < rows; i++) {
                long at = first + (long) sel.rowIndex(i) * bc;
                if (line == null) {
                    source.readElements(ref.tensor(), at, bc, out, i * cols);
                } else {
                    source.readElements(ref.tensor(), at, bc, line, 0);
                    for (int j = 0; j < cols; j++) {
                        out[i * cols + j] = line[sel.colIndex(j)];
                    }
                }
            }
        } else {
            // stored (baseCols, baseRows): A[i][j] = S[colIndex(j)][rowIndex(i)]
            int br = sel.baseRows();
            double[] line = new double[br];
            for (int j = 0; j < cols; j++) {
                source.readElements(ref.tensor(), first + (long) sel.colIndex(j) * br, br, line, 0);
                for (int i = 0; i < rows; i++) {
                    out[i * cols + j] = line[sel.rowIndex(i)];
                }
            }
        }
        return new Matrix(rows, cols, out);
    }
}
