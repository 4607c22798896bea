package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;

import org.bytedeco.javacpp.IntPointer;

import static org.bytedeco.openblas.global.openblas.LAPACKE_dsterf;
import static org.bytedeco.openblas.global.openblas.LAPACK_dsytrd_2stage_base;
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

    /**
     * Order from which the eigenvalues-only paths use the two-stage reduction
     * ({@link #valuesTwoStage}): {@code -Drankscope.twoStageFrom=N}, else 3000. Measured with the
     * bundled OpenBLAS 0.3.31, one thread: at n = 2048 (the Gram fits in L3) the one-stage
     * {@code dsytrd} is faster (0.36 vs 0.46 s), at n = 4096 (memory-bound {@code dsymv}) the
     * two-stage one is 1.35–1.47× faster; {@code rankscope bench --eigen} measures the crossover on
     * the machine at hand (docs/PERFORMANCE.md).
     */
    static int twoStageFrom() {
        return Integer.getInteger("rankscope.twoStageFrom", 3000);
    }

    /**
     * Eigenvalues (ascending) of the p×p Gram in {@code g} (upper triangle, column-major, ld p) by
     * the two-stage reduction {@code dsytrd_2stage} (full → band → tridiagonal, vect='N') and
     * {@code dsterf}: what {@code dsyevd_2stage} jobz='N' computes. {@code g} is left intact (the
     * reduction runs on a copy), so a caller whose error bound rejects these values can still reduce
     * {@code g} one-stage ({@link #reduce}) for the reflectors {@link GramRefinement} needs: the
     * two-stage reduction keeps no reflectors usable for eigenvectors (LAPACK's 2-stage drivers
     * compute no vectors).
     */
    static double[] valuesTwoStage(DoublePointer g, int p) {
        try (DoublePointer a = NativeBackend.allocate((long) p * p);
             DoublePointer d = NativeBackend.allocate(p);
             DoublePointer e = NativeBackend.allocate(Math.max(1, p - 1));
             DoublePointer tau = NativeBackend.allocate(Math.max(1, p - 1));
             DoublePointer query = NativeBackend.allocate(1);
             DoublePointer hquery = NativeBackend.allocate(1);
             IntPointer n = new IntPointer(1).put(p);
             IntPointer lda = new IntPointer(1).put(p);
             IntPointer lh = new IntPointer(1).put(-1);
             IntPointer lw = new IntPointer(1).put(-1);
             IntPointer info = new IntPointer(1)) {
            org.bytedeco.javacpp.Pointer.memcpy(a, g, 8L * p * p);
            LAPACK_dsytrd_2stage_base("N", "U", n, a, lda, d, e, tau, hquery, lh, query, lw, info, 1, 1);
            if (info.get() != 0) {
                throw NativeBackend.lapackError("dsytrd_2stage", info.get(), "Gram " + p + "x" + p + " (workspace query)");
            }
            int lhous = Math.max(1, (int) hquery.get());
            int lwork = Math.max(1, (int) query.get());
            try (DoublePointer hous = NativeBackend.allocate(lhous); DoublePointer work = NativeBackend.allocate(lwork)) {
                lh.put(lhous);
                lw.put(lwork);
                LAPACK_dsytrd_2stage_base("N", "U", n, a, lda, d, e, tau, hous, lh, work, lw, info, 1, 1);
                if (info.get() != 0) {
                    throw NativeBackend.lapackError("dsytrd_2stage", info.get(), "Gram " + p + "x" + p);
                }
            }
            int r = LAPACKE_dsterf(p, d, e);
            if (r != 0) {
                throw NativeBackend.lapackError("dsterf", r, "Gram " + p + "x" + p);
            }
            double[] lambda = new double[p];
            d.get(lambda);
            return lambda;
        }
    }

    @Override
    public void close() {
        tau.close();
    }
}
