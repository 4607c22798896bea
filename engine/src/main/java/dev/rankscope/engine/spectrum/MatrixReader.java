package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;

/**
 * Reads a {@link MatrixRef} from a {@link TensorSource} as a dense float64 {@link Matrix} in
 * (out, in) orientation, applying the slice offset and transposition the ref declares. The
 * matrix is freshly allocated; the source is not modified.
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
        long first = ref.slice() < 0 ? 0 : ref.slice() * elements;
        double[] data = new double[(int) elements];
        source.readElements(ref.tensor(), first, (int) elements, data, 0);
        if (!ref.transposed()) {
            return new Matrix(ref.rows(), ref.cols(), data);
        }
        // stored as (cols, rows): transpose to (rows, cols)
        return new Matrix(ref.cols(), ref.rows(), data).transpose();
    }
}
