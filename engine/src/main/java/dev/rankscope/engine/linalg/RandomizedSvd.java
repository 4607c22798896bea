package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

import java.util.Random;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgeqrf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dorgqr;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgeqrf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sorgqr;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas.cblas_sgemm;

/**
 * Approximate top-k singular values by randomized subspace iteration (Halko, Martinsson &amp;
 * Tropp 2011, Alg. 4.4), on the native library: Y = AΩ with a seeded Gaussian Ω (n×l,
 * l = k + oversample), then {@code powerIterations} rounds of Q = orth(Y), Y = A·orth(AᵀQ); finally
 * Q = orth(Y), Z = AᵀQ and σ(Z) = σ(QᵀA) by {@code dgesdd}. Cost O(mnl·(2q+2)).
 *
 * <p>Accuracy: every estimate is a lower bound, σ̂_i ≤ σ_i (QᵀA is a compression of A), with
 * relative error roughly (σ_{l+1}/σ_k)^{2q+1}: excellent for fast-decaying spectra, loose for
 * flat ones. Results say {@link SvdMethod#RANDOMIZED} and are meant as a quick preview
 * ({@code Spectrum.approximate}) that exact results replace.
 *
 * <p>{@link #topValuesSingle} runs the same iteration in float32 ({@code sgemm}, {@code sgeqrf},
 * {@code sgesdd}): half the memory traffic and about twice the arithmetic rate, at the price of
 * float32 rounding in the estimates (about 1e-6·σ₁ absolute), which a preview can afford; the
 * quick pass of large checkpoints uses it.
 *
 * <p>Layout: the row-major m×n input is the column-major Aᵀ (ld n); Y, Q are column-major m×l,
 * Z column-major n×l. Input never modified; off-heap buffers freed before return. Thread-safe.
 */
public final class RandomizedSvd {

    /**
     * @param k               number of singular values wanted (≥ 1)
     * @param oversample      extra columns (≥ 0; 10 is customary)
     * @param powerIterations subspace iterations q (≥ 0; 2–4 typical)
     * @param seed            seed of the Gaussian test matrix
     */
    public record Parameters(int k, int oversample, int powerIterations, long seed) implements TopValuesMethod {
        public Parameters {
            if (k < 1 || oversample < 0 || powerIterations < 0) {
                throw new IllegalArgumentException("need k ≥ 1, oversample ≥ 0, powerIterations ≥ 0");
            }
        }

        @Override
        public SvdResult topValuesSingle(FloatPointer at, int m, int n, PhaseTimes times) {
            return RandomizedSvd.topValuesSingle(at, m, n, this, times);
        }

        @Override
        public long offHeapBytes(int m, int n) {
            return RandomizedSvd.offHeapBytes(m, n, this);
        }

        public static Parameters topK(int k) {
            return new Parameters(k, 10, 3, 42L);
        }
    }

    private RandomizedSvd() {
    }

    /** Off-heap bytes {@link #topValuesSingle(FloatPointer, int, int, Parameters)} allocates besides its input: Ω, Y and Z. */
    public static long offHeapBytes(int m, int n, Parameters params) {
        long l = Math.min(Math.min(m, n), (long) params.k() + params.oversample());
        return 4L * l * (2L * n + m);
    }

    /**
     * The approximate top min(k, p) singular values of {@code a}, descending.
     *
     * @throws LinalgException for NaN/Inf input or a LAPACK failure
     */
    public static SvdResult topValues(Matrix a, Parameters params) {
        if (checkedEmpty(a)) {
            return Inputs.empty(a, false, SvdMethod.RANDOMIZED);
        }
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        int k = Math.min(params.k(), p);
        int l = Math.min(p, k + params.oversample());
        Random rnd = new Random(params.seed());
        double[] omega = new double[n * l];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = rnd.nextGaussian();
        }
        try (DoublePointer at = NativeBackend.offHeapCopy(a);        // Aᵀ column-major n×m, ld n
             DoublePointer om = new DoublePointer(omega);             // Ω column-major n×l
             DoublePointer y = NativeBackend.allocate((long) m * l);
             DoublePointer z = NativeBackend.allocate((long) n * l);
             DoublePointer tau = NativeBackend.allocate(l)) {
            multiplyA(at, om, y, m, n, l);
            for (int q = 0; q < params.powerIterations(); q++) {
                orthonormalize(y, m, l, tau);
                multiplyAt(at, y, z, m, n, l);
                orthonormalize(z, n, l, tau);
                multiplyA(at, z, y, m, n, l);
            }
            orthonormalize(y, m, l, tau);
            multiplyAt(at, y, z, m, n, l);                            // Z = AᵀQ, σ(Z) = σ(QᵀA)
            try (DoublePointer s = NativeBackend.allocate(l); DoublePointer unused = NativeBackend.allocate(1)) {
                int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, (byte) 'N', n, l, z, n, s, unused, 1, unused, 1);
                if (info != 0) {
                    throw NativeBackend.lapackError("dgesdd", info, n + "x" + l + " projected matrix");
                }
                double[] all = new double[l];
                s.get(all);
                Inputs.descendingNonNegative(all);
                return new SvdResult(java.util.Arrays.copyOf(all, k), null, null, SvdMethod.RANDOMIZED);
            }
        }
    }

    /**
     * As {@link #topValues}, in float32 throughout (see the class comment for the accuracy); the
     * σ are returned as doubles, descending.
     *
     * @throws LinalgException for NaN/Inf input or a LAPACK failure
     */
    public static SvdResult topValuesSingle(Matrix a, Parameters params) {
        if (checkedEmpty(a)) {
            return Inputs.empty(a, false, SvdMethod.RANDOMIZED);
        }
        int m = a.rows();
        int n = a.cols();
        double[] d = a.data();
        try (FloatPointer at = NativeBackend.allocateFloat((long) m * n)) {
            java.nio.FloatBuffer buf = at.asBuffer();
            float[] row = new float[n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    row[j] = (float) d[i * n + j];
                }
                buf.put(row);
            }
            return topValuesSingle(at, m, n, params);
        }
    }

    /**
     * As {@link #topValuesSingle(Matrix, Parameters)} for a matrix already in float32 off-heap
     * memory: {@code at} holds the row-major m×n A (the column-major Aᵀ, ld n), finite, m, n ≥ 1.
     * The caller owns {@code at} (not modified, not freed); this is how the quick preview reads a
     * tensor once, straight into the buffer the iteration multiplies with.
     *
     * @throws LinalgException for a LAPACK failure
     */
    public static SvdResult topValuesSingle(FloatPointer at, int m, int n, Parameters params) {
        return topValuesSingle(at, m, n, params, PhaseTimes.NONE);
    }

    /**
     * As {@link #topValuesSingle(FloatPointer, int, int, Parameters)}, adding the time of each
     * phase (passes over A, QR of the panels, the small SVD) to {@code times}.
     *
     * @throws LinalgException for a LAPACK failure
     */
    public static SvdResult topValuesSingle(FloatPointer at, int m, int n, Parameters params, PhaseTimes times) {
        NativeLibrary.requireAvailable();
        if (m < 1 || n < 1 || at.limit() - at.position() < (long) m * n) {
            throw new IllegalArgumentException("need an m×n float32 buffer with m, n ≥ 1, got " + m + "x" + n);
        }
        int p = Math.min(m, n);
        int k = Math.min(params.k(), p);
        int l = Math.min(p, k + params.oversample());
        Random rnd = new Random(params.seed());
        float[] omega = new float[n * l];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = (float) rnd.nextGaussian();
        }
        try (FloatPointer om = new FloatPointer(omega);
             FloatPointer y = NativeBackend.allocateFloat((long) m * l);
             FloatPointer z = NativeBackend.allocateFloat((long) n * l);
             FloatPointer tau = NativeBackend.allocateFloat(l)) {
            multiplyA(at, om, y, m, n, l, times);
            for (int q = 0; q < params.powerIterations(); q++) {
                orthonormalize(y, m, l, tau, times);
                multiplyAt(at, y, z, m, n, l, times);
                orthonormalize(z, n, l, tau, times);
                multiplyA(at, z, y, m, n, l, times);
            }
            orthonormalize(y, m, l, tau, times);
            multiplyAt(at, y, z, m, n, l, times);
            long[] t = times.start();
            try (FloatPointer s = new FloatPointer(l); FloatPointer unused = new FloatPointer(1)) {
                int info = LAPACKE_sgesdd(LAPACK_COL_MAJOR, (byte) 'N', n, l, z, n, s, unused, 1, unused, 1);
                if (info != 0) {
                    throw NativeBackend.lapackError("sgesdd", info, n + "x" + l + " projected matrix");
                }
                double[] all = new double[l];
                for (int i = 0; i < l; i++) {
                    all[i] = s.get(i);
                }
                Inputs.descendingNonNegative(all);
                return new SvdResult(java.util.Arrays.copyOf(all, k), null, null, SvdMethod.RANDOMIZED);
            } finally {
                times.end(PhaseTimes.Phase.SMALL_SVD, t);
            }
        }
    }

    /** Y (m×l) = A·X in float32, X column-major n×l, A the row-major m×n {@code at}. */
    private static void multiplyA(FloatPointer at, FloatPointer x, FloatPointer y, int m, int n, int l, PhaseTimes times) {
        long[] t = times.start();
        cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, m, l, n, 1f, at, n, x, n, 0f, y, m);
        times.end(PhaseTimes.Phase.MULTIPLY, t);
    }

    /** Z (n×l) = Aᵀ·Q in float32, Q column-major m×l. */
    private static void multiplyAt(FloatPointer at, FloatPointer q, FloatPointer z, int m, int n, int l, PhaseTimes times) {
        long[] t = times.start();
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, l, m, 1f, at, n, q, m, 0f, z, n);
        times.end(PhaseTimes.Phase.MULTIPLY, t);
    }

    /** In-place thin Q of a column-major rows×l float32 matrix (sgeqrf + sorgqr); {@link BlockKrylovSvd} uses it too. */
    static void orthonormalize(FloatPointer x, int rows, int l, FloatPointer tau, PhaseTimes times) {
        long[] t = times.start();
        int info = LAPACKE_sgeqrf(LAPACK_COL_MAJOR, rows, l, x, rows, tau);
        if (info != 0) {
            throw NativeBackend.lapackError("sgeqrf", info, rows + "x" + l + " sample matrix");
        }
        info = LAPACKE_sorgqr(LAPACK_COL_MAJOR, rows, l, l, x, rows, tau);
        if (info != 0) {
            throw NativeBackend.lapackError("sorgqr", info, rows + "x" + l + " sample matrix");
        }
        times.end(PhaseTimes.Phase.ORTHONORMALIZE, t);
    }

    /** The checks both precisions make first (native library present, finite input); true for an empty matrix. */
    private static boolean checkedEmpty(Matrix a) {
        NativeLibrary.requireAvailable();
        if (Inputs.isEmpty(a)) {
            return true;
        }
        Inputs.requireFinite(a);
        return false;
    }

    /** Y (m×l) = A·X with X column-major n×l: A = (Aᵀ)ᵀ. */
    private static void multiplyA(DoublePointer at, DoublePointer x, DoublePointer y, int m, int n, int l) {
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, m, l, n, 1.0, at, n, x, n, 0.0, y, m);
    }

    /** Z (n×l) = Aᵀ·Q with Q column-major m×l. */
    private static void multiplyAt(DoublePointer at, DoublePointer q, DoublePointer z, int m, int n, int l) {
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, l, m, 1.0, at, n, q, m, 0.0, z, n);
    }

    /** In-place thin Q of a column-major rows×l matrix (dgeqrf + dorgqr). */
    private static void orthonormalize(DoublePointer x, int rows, int l, DoublePointer tau) {
        int info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, rows, l, x, rows, tau);
        if (info != 0) {
            throw NativeBackend.lapackError("dgeqrf", info, rows + "x" + l + " sample matrix");
        }
        info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, rows, l, l, x, rows, tau);
        if (info != 0) {
            throw NativeBackend.lapackError("dorgqr", info, rows + "x" + l + " sample matrix");
        }
    }
}
