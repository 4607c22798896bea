package dev.rankscope.analysis.subspace;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;

/**
 * The singular values and the left and right singular vectors of one m×n matrix, kept for
 * subspace comparisons: {@code u} is m×p and {@code v} is n×p (row-major, columns orthonormal,
 * in descending σ order), p = min(m, n). Immutable by convention: callers must not modify the
 * arrays of {@link #u()}/{@link #v()}.
 */
public record SingularBasis(String id, double[] sigma, Matrix u, Matrix v) {

    /** From a thin SVD with vectors (U m×p, Vᵀ p×n). */
    public static SingularBasis of(String id, SvdResult svd) {
        return new SingularBasis(id, svd.sigma(), svd.u(), svd.vt().transpose());
    }

    public int rows() {
        return u.rows();
    }

    public int cols() {
        return v.rows();
    }

    public int rank() {
        return sigma.length;
    }

    /** The basis of one side (m×p for LEFT, n×p for RIGHT). */
    public Matrix basis(Side side) {
        return side == Side.LEFT ? u : v;
    }

    /** Bytes held (σ, U, V as float64), for memory estimates. */
    public static long bytes(int m, int n) {
        long p = Math.min(m, n);
        return 8L * (p + (long) m * p + (long) n * p);
    }
}
