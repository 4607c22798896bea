package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.FloatPointer;

/**
 * A way of estimating the top singular values of a float32 matrix already in off-heap memory
 * (the row-major m×n A, i.e. the column-major Aᵀ with ld n, finite, m, n ≥ 1, not modified, owned
 * by the caller). Exists so the quick preview's read path ({@code TopValuesFromSource}) does not
 * depend on which randomised iteration estimates the values: {@link RandomizedSvd.Parameters}
 * (subspace iteration) and {@link BlockKrylovSvd.Parameters} (block Krylov) both are one.
 */
public interface TopValuesMethod {
    /**
     * The approximate top values of {@code at}, descending, {@link SvdMethod#RANDOMIZED}, adding
     * each phase's time to {@code times}.
     *
     * @throws LinalgException for a LAPACK failure or a failed off-heap allocation
     */
    SvdResult topValuesSingle(FloatPointer at, int m, int n, PhaseTimes times);

    /** Off-heap bytes {@link #topValuesSingle} allocates besides its input. */
    long offHeapBytes(int m, int n);
}
