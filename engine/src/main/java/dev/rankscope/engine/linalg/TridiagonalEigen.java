package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dsterf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsytrd;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;

/**
 * Eigenvalues of a symmetric p×p Gram matrix by the two halves of {@code dsyevd} jobz='N':
 * {@code dsytrd} (uplo 'U': Householder reduction Qᵀ G Q = T, reflectors left in the upper
 * triangle of {@code g} and in {@link #tau}) then {@code dsterf} on copies of T's diagonal and
 * off-diagonal. This is exactly what {@code dsyevd} does for jobz='N' (same workspace query, so
 * the same blocked reduction), so λ̂ are the same numbers; the reflectors stay available for
 * {@link GramRefinement} until {@link #close()}.
 *
 * <p>Not thread-safe; owns {@link #tau} (off-heap), not {@code g}.
 */
final class TridiagonalEigen implements AutoCloseable {
    final int p;
    /** T's diagonal (length p) and off-diagonal (length p − 1), before dsterf. */
    final double[] d;
    final double[] e;
    /** Householder scalars of the reduction, length p − 1 (off-heap). */
    final DoublePointer tau;
    /** λ̂ ascending. */
    final double[] lambda;

    private TridiagonalEigen(int p, double[] d, double[] e, DoublePointer tau, double[] lambda) {
        this.p = p;
        this.d = d;
        this.e = e;
        this.tau = tau;
        this.lambda = lambda;
    }

    /** Reduces {@code g} (upper triangle, column-major, ld p; overwritten by the reflectors). */
    static TridiagonalEigen reduce(DoublePointer g, int p) {
        DoublePointer tau = NativeBackend.allocate(Math.max(1, p - 1));
        try (DoublePointer dp = NativeBackend.allocate(p); DoublePointer ep = NativeBackend.allocate(Math.max(1, p - 1))) {
            int info = LAPACKE_dsytrd(LAPACK_COL_MAJOR, (byte) 'U', p, g, p, dp, ep, tau);
            if (info != 0) {
                throw NativeBackend.lapackError("dsytrd", info, "Gram " + p + "x" + p);
            }
            double[] d = new double[p];
            double[] e = new double[Math.max(0, p - 1)];
            dp.get(d);
            if (p > 1) {
                ep.get(e);
            }
            info = LAPACKE_dsterf(p, dp, ep);       // destroys the copies; d, e stay for the vectors
            if (info != 0) {
                throw NativeBackend.lapackError("dsterf", info, "Gram " + p + "x" + p);
            }
            double[] lambda = new double[p];
            dp.get(lambda);
            return new TridiagonalEigen(p, d, e, tau, lambda);
        } catch (RuntimeException ex) {
            tau.close();
            throw ex;
        }
    }

    @Override
    public void close() {
        tau.close();
    }
}
