package dev.rankscope.runtime;

/**
 * A replacement for a linear module's weight (a compressed model, issue 15 §3), in the module's
 * <em>stored</em> orientation ({@link LinearModule#storedRows()} × {@link LinearModule#storedCols()}).
 * The checkpoint's bias, if any, still applies. Arrays are not copied: the runtime only reads
 * them; the caller must not change them during a forward pass.
 */
public sealed interface LinearReplacement {

    /**
     * A dense matrix.
     *
     * @param rows   stored rows
     * @param cols   stored columns
     * @param values row-major, {@code rows·cols}
     */
    record Dense(int rows, int cols, float[] values) implements LinearReplacement {
        public Dense {
            if ((long) rows * cols != values.length) {
                throw new IllegalArgumentException("dense replacement " + rows + "×" + cols + " has " + values.length + " values");
            }
        }
    }

    /**
     * Low-rank factors with {@code W = U·V}, applied as two matmuls (never multiplied out): for
     * (out, in) storage {@code y = (x·Vᵀ)·Uᵀ}, for (in, out) storage {@code y = (x·U)·V}.
     *
     * @param rows stored rows (U is rows × rank)
     * @param cols stored columns (V is rank × cols)
     * @param rank k ≥ 1
     * @param u    row-major rows × rank (SPEC §5 {@code <module>.U.weight})
     * @param v    row-major rank × cols (SPEC §5 {@code <module>.V.weight})
     */
    record LowRank(int rows, int cols, int rank, float[] u, float[] v) implements LinearReplacement {
        public LowRank {
            if (rank < 1 || (long) rows * rank != u.length || (long) rank * cols != v.length) {
                throw new IllegalArgumentException("low-rank replacement " + rows + "×" + cols + " of rank " + rank
                        + " has factors of " + u.length + " and " + v.length + " values");
            }
        }
    }

    /** Stored rows. */
    int rows();

    /** Stored columns. */
    int cols();
}
