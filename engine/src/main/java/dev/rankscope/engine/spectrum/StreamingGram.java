package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.GramAccumulator;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.Optional;

/**
 * Singular values of a {@link MatrixRef} through the Gram path without loading the matrix: row
 * blocks (or column panels of the stored layout) are decoded from the {@link TensorSource}
 * straight into a {@link GramAccumulator}. Peak memory is 8·(p² + 2·block) bytes instead of the
 * 16·m·n of a float64 copy plus its off-heap twin (4096×11008: 134 MB + 2·32 MB vs 721 MB).
 *
 * <p>The stored tensor is S (r×c, C order): S = A, or S = Aᵀ when the ref is transposed; σ(S) =
 * σ(A). Sub-matrix refs ({@link MatrixRef#isPart()}) are not streamed (empty). The result is returned only when the Gram error estimate meets the tolerance (SPEC: σ
 * agree with dgesdd to the tolerance), directly ({@link SvdMethod#GRAM}) or after a
 * {@link dev.rankscope.engine.linalg.GramRefinement} of the tiny σ, which reads the blocks a
 * second time ({@link SvdMethod#GRAM_REFINED}); otherwise {@link Optional#empty()} and the caller
 * computes the matrix in memory with dgesdd. Stateless; thread-safe when the source is.
 */
public final class StreamingGram {
    /** Default block size: 4 Mi elements (32 MB of float64). */
    public static final int DEFAULT_BLOCK_ELEMENTS = 1 << 22;

    private StreamingGram() {
    }

    /**
     * σ of {@code ref} via a streamed Gram, or empty when the error estimate rejects it.
     *
     * @param blockElements block/panel size in elements; raised to max(r, c) when smaller
     */
    public static Optional<SvdResult> tryValues(TensorSource source, MatrixRef ref, SvdBackend.Tolerance tolerance,
                                                int blockElements) {
        if (ref.isPart()) {
            return Optional.empty();    // sub-matrices are read with MatrixReader (rows of the stored layout)
        }
        int r = ref.transposed() ? ref.cols() : ref.rows();
        int c = ref.transposed() ? ref.rows() : ref.cols();
        long first = ref.slice() < 0 ? 0 : ref.slice() * ref.baseNumel();
        int capacity = Math.max(blockElements, Math.max(r, c));
        try (GramAccumulator acc = new GramAccumulator(r, c, capacity)) {
            feed(source, ref, acc, r, c, first, false);
            GramAccumulator.GramRefinementStep step = acc.finishRefinable(tolerance);
            if (step.outcome().bound().accepted()) {
                return Optional.of(new SvdResult(step.outcome().sigma(), null, null, SvdMethod.GRAM));
            }
            if (!step.refining()) {
                return Optional.empty();
            }
            feed(source, ref, acc, r, c, first, true);     // second pass: B = S·V, W = SᵀB (GramRefinement)
            return acc.finishRefinement().map(s -> new SvdResult(s, null, null, SvdMethod.GRAM_REFINED));
        }
    }

    /** Reads every row block (or column panel) once, in order, into the Gram or, on replay, the refinement. */
    private static void feed(TensorSource source, MatrixRef ref, GramAccumulator acc, int r, int c, long first,
                             boolean replay) {
        int unit = acc.unitsPerBlock();
        if (acc.byRows()) {
            double[] buf = new double[Math.min(unit, r) * c];
            for (int row = 0; row < r; row += unit) {
                int count = Math.min(unit, r - row);
                source.readElements(ref.tensor(), first + (long) row * c, count * c, buf, 0);
                if (replay) {
                    acc.replayRows(buf, count);
                } else {
                    acc.addRows(buf, count);
                }
            }
        } else {
            double[] buf = new double[Math.min(unit, c) * r];
            for (int col = 0; col < c; col += unit) {
                int width = Math.min(unit, c - col);
                for (int row = 0; row < r; row++) {
                    source.readElements(ref.tensor(), first + (long) row * c + col, width, buf, row * width);
                }
                if (replay) {
                    acc.replayColumns(buf, width);
                } else {
                    acc.addColumns(buf, width);
                }
            }
        }
    }
}
