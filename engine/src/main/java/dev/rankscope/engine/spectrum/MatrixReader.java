package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;

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

    public static Matrix read(TensorSource source, MatrixRef ref) {
        long elements = ref.numel();
        if (elements > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(source.path(), CheckpointFormatException.Category.TOO_LARGE,
                    "matrix " + ref.id() + " (" + ref.shapeString() + ") is too large to load at once");
        }
        long first = ref.slice() < 0 ? 0 : ref.slice() * ref.baseNumel();
        if (ref.isPooled()) {
            throw new CheckpointFormatException(source.path(), CheckpointFormatException.Category.IO,
                    "matrix " + ref.id() + " is a pooled set of conv slices, not one matrix; read its slices (MatrixRef.pooledSlice)");
        }
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
