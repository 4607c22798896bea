package dev.rankscope.engine.linalg;

import dev.rankscope.engine.spectrum.Precision;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dsyevd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_sgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.cblas_dsyrk;

/**
 * SVD on bytedeco OpenBLAS/LAPACK (see {@link NativeLibrary}).
 *
 * <p>Layout. A row-major m×n array is, unchanged, the column-major n×m matrix Aᵀ. Every routine
 * is called with {@code LAPACK_COL_MAJOR} on Aᵀ (leading dimension n), so LAPACKE makes no
 * transposed copy: σ(Aᵀ) = σ(A), and for vectors Aᵀ = U_B Σ V_Bᵀ gives A = V_B Σ U_Bᵀ, where
 * the column-major buffer of V_Bᵀ (p×m) is exactly U (m×p) row-major and that of U_B (n×p) is
 * exactly Vᵀ (p×n) row-major.
 *
 * <p>Paths:
 * <ul>
 *   <li>values, float64: {@code dgesdd} jobz='N' — or, when the {@link GramPolicy} allows it,
 *       the Gram path: {@code dsyrk} on the smaller side (AᵀA when n ≤ m, else AAᵀ),
 *       {@code dsytrd} + {@code dsterf} (= {@code dsyevd} jobz='N'), σ = √max(λ, 0). The Gram result is kept only when
 *       {@link GramErrorBound} says every σ meets the tolerance; when it fails only for tiny σ
 *       (absolute region), a {@link GramRefinement} (Rayleigh–Ritz on the bottom eigenspace,
 *       a-posteriori bound) may resolve them ({@link SvdMethod#GRAM_REFINED}); otherwise {@code dgesdd} runs
 *       on the same buffer and the result says {@link SvdMethod#GESDD}. Accuracy is never
 *       traded silently: {@link SvdResult#method()} is the path whose numbers are returned.</li>
 *   <li>values, float32: {@code sgesdd} jobz='N' on the input rounded to float32.</li>
 *   <li>vectors: {@code dgesdd} jobz='S' (thin).</li>
 * </ul>
 *
 * <p>Memory: one off-heap copy of the input (8·m·n bytes; 4·m·n for float32) plus the outputs
 * (p² for the Gram), freed before each call returns. The input is never modified.
 * Thread-safe: calls share no state; the BLAS thread count is process-global
 * ({@link #setThreadsPerCall}).
 */
public final class NativeBackend implements SvdBackend {

    /**
     * When the values-only float64 path tries the Gram matrix first.
     *
     * <p>Measured on this project's 2-core AMD EPYC (Zen kernels, 1 BLAS thread, machine shared
     * with other jobs), values only, median wall time:
     * <pre>
     * size         dgesdd     Gram (dsyrk+dsyevd)   speed-up
     * 512×512      0.340 s    0.177 s               1.9×
     * 1024×1024    1.48 s     0.80 s                1.9×
     * 1024×2816    6.71 s     2.85 s                2.4×
     * 2048×2048    57.2 s     28.4 s                2.0×   (load average ≈ 28)
     * </pre>
     * ({@code SvdBenchmark} with the power-law spectrum; every Gram result was accepted by
     * {@link GramErrorBound}, max relative deviation from dgesdd ≤ 7e-12). Break-even is near
     * p ≈ 100, but below 256 either path takes a few milliseconds, so {@link #DEFAULT} tries
     * Gram from p = 256. A rejected attempt costs about half a dgesdd on top of it.
     *
     * @param enabled whether to try the Gram path at all
     * @param minDim  smallest p = min(m, n) for which it is tried
     */
    public record GramPolicy(boolean enabled, int minDim) {
        /** Never try Gram: always dgesdd. */
        public static final GramPolicy NEVER = new GramPolicy(false, Integer.MAX_VALUE);
        /** Try Gram from p = 256 (see the measurements above). */
        public static final GramPolicy DEFAULT = new GramPolicy(true, 256);
        /** Try Gram for every non-empty matrix (tests, benchmarks). */
        public static final GramPolicy ALWAYS = new GramPolicy(true, 1);

        public GramPolicy {
            if (minDim < 1) {
                throw new IllegalArgumentException("minDim must be ≥ 1, got " + minDim);
            }
        }

        /** True when the Gram path is tried for a matrix with p = min(m, n). */
        public boolean tries(int p) {
            return enabled && p >= minDim;
        }
    }

    /**
     * A raw Gram-path result with its error estimate, whether or not it meets the tolerance.
     *
     * @param sigma σ̂ descending, length p
     * @param bound the a-posteriori error estimate and the accept decision
     */
    public record GramOutcome(double[] sigma, GramErrorBound bound) {
        public GramOutcome {
            sigma = sigma.clone();
        }

        @Override
        public double[] sigma() {
            return sigma.clone();
        }
    }

    private final GramPolicy gramPolicy;

    /** Native backend with {@link GramPolicy#DEFAULT}. Requires {@link NativeLibrary#isAvailable()}. */
    public NativeBackend() {
        this(GramPolicy.DEFAULT);
    }

    /**
     * @throws LinalgException when the native library did not load (use {@link Backends#select} to fall back)
     */
    public NativeBackend(GramPolicy gramPolicy) {
        NativeLibrary.requireAvailable();
        this.gramPolicy = java.util.Objects.requireNonNull(gramPolicy, "gramPolicy");
    }

    public GramPolicy gramPolicy() {
        return gramPolicy;
    }

    @Override
    public EngineInfo info() {
        NativeLibrary.Status s = NativeLibrary.status();
        return new EngineInfo("native", s.version(), s.runtimeCore(), NativeLibrary.threads(), "");
    }

    /** Sets OpenBLAS's process-global thread count. */
    @Override
    public void setThreadsPerCall(int threads) {
        NativeLibrary.setThreads(threads);
    }

    @Override
    public SvdResult singularValues(Matrix a, Tolerance tolerance) {
        return singularValues(a, tolerance, Precision.F64);
    }

    @Override
    public SvdResult singularValues(Matrix a, Tolerance tolerance, Precision precision) {
        java.util.Objects.requireNonNull(tolerance, "tolerance");
        if (Inputs.isEmpty(a)) {
            return Inputs.empty(a, false, SvdMethod.GESDD);
        }
        Inputs.requireFinite(a);
        if (precision == Precision.F32) {
            return new SvdResult(sgesddValues(a), null, null, SvdMethod.GESDD);
        }
        int p = a.minDim();
        try (DoublePointer buf = offHeapCopy(a)) {
            if (gramPolicy.tries(p)) {
                SvdResult g = gramOrRefined(buf, a.rows(), a.cols(), tolerance);
                if (g != null) {
                    return g;
                }
                // Repair: the bound says the Gram path is not accurate enough for this matrix.
            }
            return new SvdResult(dgesddValues(buf, a.rows(), a.cols()), null, null, SvdMethod.GESDD);
        }
    }

    /** dgesdd jobz='N' on this matrix, regardless of policy (reference path for tests and benchmarks). */
    public SvdResult gesddValues(Matrix a) {
        if (Inputs.isEmpty(a)) {
            return Inputs.empty(a, false, SvdMethod.GESDD);
        }
        Inputs.requireFinite(a);
        try (DoublePointer buf = offHeapCopy(a)) {
            return new SvdResult(dgesddValues(buf, a.rows(), a.cols()), null, null, SvdMethod.GESDD);
        }
    }

    /**
     * The raw Gram path (dsyrk + dsyevd) with its error estimate against {@code tolerance},
     * whether or not the estimate accepts it. For benchmarks and tests; production callers use
     * {@link #singularValues}, which repairs.
     */
    public GramOutcome gramValues(Matrix a, Tolerance tolerance) {
        if (Inputs.isEmpty(a)) {
            return new GramOutcome(new double[0], GramErrorBound.evaluate(new double[0], 0, 0, tolerance));
        }
        Inputs.requireFinite(a);
        try (DoublePointer buf = offHeapCopy(a)) {
            return gram(buf, a.rows(), a.cols(), tolerance);
        }
    }

    @Override
    public SvdResult svd(Matrix a) {
        if (Inputs.isEmpty(a)) {
            return Inputs.empty(a, true, SvdMethod.GESDD);
        }
        Inputs.requireFinite(a);
        int m = a.rows();
        int n = a.cols();
        int p = a.minDim();
        try (DoublePointer buf = offHeapCopy(a);
             DoublePointer s = allocate(p);
             DoublePointer ub = allocate((long) n * p);
             DoublePointer vtb = allocate((long) p * m)) {
            // Aᵀ is column-major n×m with leading dimension n; U_B n×p (ld n), V_Bᵀ p×m (ld p).
            int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, (byte) 'S', n, m, buf, n, s, ub, n, vtb, p);
            check("dgesdd", info, m, n);
            double[] sigma = new double[p];
            s.get(sigma);
            double[] u = new double[m * p];
            vtb.get(u);            // V_Bᵀ col-major p×m == U row-major m×p
            double[] vt = new double[p * n];
            ub.get(vt);            // U_B col-major n×p == Vᵀ row-major p×n
            return new SvdResult(Inputs.descendingNonNegative(sigma), new Matrix(m, p, u), new Matrix(p, n, vt),
                    SvdMethod.GESDD);
        }
    }

    // ---------------------------------------------------------------- native paths

    /** dgesdd jobz='N' on a buffer holding the row-major m×n input; destroys the buffer. */
    private static double[] dgesddValues(DoublePointer buf, int m, int n) {
        int p = Math.min(m, n);
        try (DoublePointer s = allocate(p); DoublePointer unused = allocate(1)) {
            int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, (byte) 'N', n, m, buf, n, s, unused, 1, unused, 1);
            check("dgesdd", info, m, n);
            double[] sigma = new double[p];
            s.get(sigma);
            return Inputs.descendingNonNegative(sigma);
        }
    }

    /** sgesdd jobz='N' on the input rounded to float32. */
    private static double[] sgesddValues(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        double[] d = a.data();
        try (FloatPointer buf = allocateFloat(d.length);
             FloatPointer s = allocateFloat(p);
             FloatPointer unused = allocateFloat(1)) {
            FloatBuffer fb = buf.asBuffer();
            float[] chunk = new float[Math.min(d.length, 1 << 16)];
            for (int off = 0; off < d.length; off += chunk.length) {
                int len = Math.min(chunk.length, d.length - off);
                for (int k = 0; k < len; k++) {
                    chunk[k] = (float) d[off + k];
                }
                fb.put(chunk, 0, len);
            }
            int info = LAPACKE_sgesdd(LAPACK_COL_MAJOR, (byte) 'N', n, m, buf, n, s, unused, 1, unused, 1);
            check("sgesdd", info, m, n);
            float[] sf = new float[p];
            s.get(sf);
            double[] sigma = new double[p];
            for (int i = 0; i < p; i++) {
                sigma[i] = sf[i];
            }
            return Inputs.descendingNonNegative(sigma);
        }
    }

    /** Gram of the smaller side with dsyrk, eigenvalues with dsytrd + dsterf; leaves {@code buf} intact. */
    private static GramOutcome gram(DoublePointer buf, int m, int n, Tolerance tolerance) {
        int p = Math.min(m, n);
        try (DoublePointer g = allocate((long) p * p)) {
            syrk(buf, m, n, g);
            return eigenToSigma(g, p, Math.max(m, n), tolerance);
        }
    }

    /**
     * The Gram result when the bound accepts it ({@link SvdMethod#GRAM}); else, when
     * {@link GramRefinement} resolves the failing tiny σ, the refined result
     * ({@link SvdMethod#GRAM_REFINED}); else null (the caller runs dgesdd). Leaves {@code buf} intact.
     */
    private static SvdResult gramOrRefined(DoublePointer buf, int m, int n, Tolerance tolerance) {
        int p = Math.min(m, n);
        java.util.Optional<GramRefinement> refinement;
        try (DoublePointer g = allocate((long) p * p)) {
            syrk(buf, m, n, g);
            refinement = java.util.Optional.empty();
            if (p >= TridiagonalEigen.twoStageFrom()) {
                double[] lambda = TridiagonalEigen.valuesTwoStage(g, p);
                GramOutcome fast = outcome(lambda, p, Math.max(m, n), tolerance);
                if (fast.bound().accepted()) {
                    return new SvdResult(fast.sigma, null, null, SvdMethod.GRAM);
                }
                refinement = GramRefinement.prepareFromGram(g, p, lambda, fast, m, n, tolerance);
                // else: the refinement needs the one-stage reflectors of the intact g
            }
            if (refinement.isEmpty()) {
                try (TridiagonalEigen eig = TridiagonalEigen.reduce(g, p)) {
                    GramOutcome outcome = outcome(eig.lambda, p, Math.max(m, n), tolerance);
                    if (outcome.bound().accepted()) {
                        return new SvdResult(outcome.sigma, null, null, SvdMethod.GRAM);
                    }
                    refinement = GramRefinement.prepare(g, eig, outcome, m, n, tolerance);
                }
            }
        }
        if (refinement.isEmpty()) {
            return null;
        }
        try (GramRefinement r = refinement.get()) {
            if (r.byRows()) {
                r.addRows(buf, m);
            } else {
                r.addColumns(buf, n, n);
            }
            return r.finish().map(s -> new SvdResult(s, null, null, SvdMethod.GRAM_REFINED)).orElse(null);
        }
    }

    /** Upper triangle of AᵀA (n ≤ m) or AAᵀ into {@code g} (ld p), A row-major m×n in {@code buf}. */
    static void syrk(DoublePointer buf, int m, int n, DoublePointer g) {
        if (n <= m) {
            // B = Aᵀ (n×m, ld n): AᵀA = B·Bᵀ
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, m, 1.0, buf, n, 0.0, g, n);
        } else {
            // AAᵀ = Bᵀ·B (m×m)
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, m, n, 1.0, buf, n, 0.0, g, m);
        }
    }

    /**
     * Eigenvalues of the p×p Gram in {@code g} (upper triangle, column-major; destroyed) → σ
     * descending with the error estimate. Shared by the in-memory and streaming Gram paths.
     * {@code dsytrd} + {@code dsterf}: the two halves of {@code dsyevd} jobz='N', same numbers.
     */
    static GramOutcome eigenToSigma(DoublePointer g, int p, long innerDim, Tolerance tolerance) {
        if (p >= TridiagonalEigen.twoStageFrom()) {
            return outcome(TridiagonalEigen.valuesTwoStage(g, p), p, innerDim, tolerance);
        }
        try (TridiagonalEigen eig = TridiagonalEigen.reduce(g, p)) {
            return outcome(eig.lambda, p, innerDim, tolerance);
        }
    }

    /** dsyevd jobz='N' on {@code g} (destroyed): λ ascending. Reference for tests of {@link TridiagonalEigen}. */
    static double[] dsyevdValues(DoublePointer g, int p) {
        try (DoublePointer w = allocate(p)) {
            int info = LAPACKE_dsyevd(LAPACK_COL_MAJOR, (byte) 'N', (byte) 'U', p, g, p, w);
            if (info != 0) {
                throw lapackError("dsyevd", info, "Gram " + p + "x" + p);
            }
            double[] lambda = new double[p];
            w.get(lambda);
            return lambda;
        }
    }

    /** λ̂ ascending → σ̂ descending with the {@link GramErrorBound}. */
    static GramOutcome outcome(double[] lambda, int p, long innerDim, Tolerance tolerance) {
        double[] sigma = new double[p];
        for (int i = 0; i < p; i++) {
            sigma[i] = Math.sqrt(Math.max(lambda[p - 1 - i], 0));   // ascending λ → descending σ
        }
        Inputs.descendingNonNegative(sigma);
        return new GramOutcome(sigma, GramErrorBound.evaluate(sigma, p, innerDim, tolerance));
    }

    // ---------------------------------------------------------------- buffers and errors

    static DoublePointer offHeapCopy(Matrix a) {
        double[] d = a.data();
        DoublePointer p = allocate(d.length);
        DoubleBuffer b = p.asBuffer();
        b.put(d);
        return p;
    }

    static DoublePointer allocate(long count) {
        try {
            return new DoublePointer(Math.max(1, count));
        } catch (OutOfMemoryError e) {
            throw outOfMemory(count * Double.BYTES, e);
        }
    }

    /** Off-heap float32 buffer of {@code count} (≥ 1) elements; a failed allocation is a {@link LinalgException}. */
    public static FloatPointer allocateFloat(long count) {
        try {
            return new FloatPointer(Math.max(1, count));
        } catch (OutOfMemoryError e) {
            throw outOfMemory(count * Float.BYTES, e);
        }
    }

    private static LinalgException outOfMemory(long bytes, OutOfMemoryError e) {
        return new LinalgException("There is not enough native memory for this matrix.",
                "off-heap allocation of " + bytes + " bytes failed: " + e.getMessage(), e);
    }

    private static void check(String routine, int info, int m, int n) {
        if (info != 0) {
            throw lapackError(routine, info, m + "x" + n + " matrix");
        }
    }

    static LinalgException lapackError(String routine, int info, String what) {
        String user;
        if (info > 0) {
            user = "The singular value computation did not converge for this matrix.";
        } else if (info == -1010) {
            user = "There is not enough native memory for this matrix.";
        } else {
            user = "The native linear-algebra library rejected the computation (internal error).";
        }
        return new LinalgException(user, routine + " returned info=" + info + " on a " + what);
    }
}
