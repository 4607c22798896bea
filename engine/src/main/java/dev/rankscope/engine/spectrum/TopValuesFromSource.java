package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.PhaseTimes;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.linalg.TopValuesMethod;
import dev.rankscope.engine.tensor.TensorSource;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The float32 randomised top values (a {@link TopValuesMethod}) of a matrix read
 * straight from its tensor into the off-heap float32 buffer the iteration multiplies with
 * ({@link MatrixReader#readFloat}), with the exact ‖A‖²_F of the data from the same pass. No
 * float64 copy of the matrix exists at any point: 4·m·n bytes off-heap plus one 4 MB row block.
 * Exists so the quick preview of a large checkpoint pays for the gemm passes and little else.
 * Stateless; thread-safe when the source is.
 */
public final class TopValuesFromSource {
    /**
     * @param values     approximate top singular values ({@link SvdMethod#RANDOMIZED})
     * @param frobenius2 Σ of the squared matrix elements, summed in float64 (exact data, not from σ̂)
     */
    public record Estimate(SvdResult values, double frobenius2) {
    }

    private TopValuesFromSource() {
    }

    /**
     * Off-heap bytes {@link #estimate} holds for {@code ref}: the float32 matrix and the
     * iteration's panels ({@link TopValuesMethod#offHeapBytes}).
     */
    public static long offHeapBytes(MatrixRef ref, TopValuesMethod method) {
        return 4L * ref.numel() + method.offHeapBytes(ref.rows(), ref.cols());
    }

    /**
     * @throws dev.rankscope.engine.RankscopeException when the matrix cannot be read, holds NaN/Inf
     *                                                 (named with its position), or LAPACK fails
     */
    public static Estimate estimate(TensorSource source, MatrixRef ref, TopValuesMethod method) {
        return estimate(source, ref, method, PhaseTimes.NONE);
    }

    /**
     * As {@link #estimate(TensorSource, MatrixRef, TopValuesMethod)}, adding the read and
     * each phase of the iteration to {@code times}.
     */
    public static Estimate estimate(TensorSource source, MatrixRef ref, TopValuesMethod method, PhaseTimes times) {
        int m = ref.rows();
        int n = ref.cols();
        if (m == 0 || n == 0) {
            return new Estimate(new SvdResult(new double[0], null, null, SvdMethod.RANDOMIZED), 0);
        }
        try (FloatPointer a = NativeBackend.allocateFloat(ref.numel())) {
            long[] t = times.start();
            double frobenius2 = MatrixReader.readFloat(source, ref, a);
            times.end(PhaseTimes.Phase.READ, t);
            return new Estimate(method.topValuesSingle(a, m, n, times), frobenius2);
        }
    }
}
