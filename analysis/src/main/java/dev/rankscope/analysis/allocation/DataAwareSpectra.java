package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;

import java.util.function.Function;

/**
 * Data-aware spectra for rank allocation (SPEC §4): the input-side transform S built from a
 * module's calibration statistics, the spectrum σ(W·S) that replaces σ(W) in an
 * {@link AllocationInput}, and the rank-k weight (W·S)_k·S⁻¹.
 *
 * <p>Why it works (SVD-LLM, Theorem 1): with XᵀX = S·Sᵀ, ‖(W − W')Xᵀ‖²_F = ‖(W − W')S‖²_F, so the
 * best rank-k W' for the data is the truncated SVD of W·S mapped back, and its data error is
 * Σ_{i>k} σ_i(W·S)². Every strategy therefore becomes data-aware by allocating on σ(W·S).
 *
 * <p>Pure functions: inputs are not modified; the SVD is supplied by the caller.
 */
public final class DataAwareSpectra {
    private DataAwareSpectra() {
    }

    /**
     * The n×n transform S for a module ({@link #transform(String, ModuleStatistics, int, DataAwareParameters)}
     * without the record of how it was made).
     *
     * @throws AllocationException when the statistic the method needs is missing or has the wrong size
     */
    public static Matrix inputTransform(String module, ModuleStatistics stats, int n, DataAwareParameters p) {
        return transform(module, stats, n, p).transform();
    }

    /**
     * How a module's input transform S was made, for the plan's provenance (SPEC §4/§8).
     *
     * @param transform     S, n×n: lower triangular for whitening, diagonal for ASVD/Fisher
     * @param factorisation "cholesky" (whitening) or "diagonal"
     * @param damping       the relative ridge δ actually used: S·Sᵀ = XᵀX + δ·mean(diag XᵀX)·I for
     *                      whitening (δ may have been raised above the requested one, see
     *                      {@link #whiten}); the floor δ·max(v) for diagonal scales
     * @param raised        true when δ had to be raised above the requested damping
     */
    public record Transform(Matrix transform, String factorisation, double damping, boolean raised) {
    }

    /**
     * The n×n transform S for a module and how it was made.
     *
     * @throws AllocationException when the statistic the method needs is missing, has the wrong
     *                             size, or is not finite
     */
    public static Transform transform(String module, ModuleStatistics stats, int n, DataAwareParameters p) {
        if (stats == null) {
            throw new AllocationException(module + ": data-aware allocation needs calibration statistics, but none were supplied");
        }
        return switch (p.method()) {
            case SVD_LLM_WHITENING -> {
                Matrix g = stats.inputGram();
                if (g == null || g.rows() != n) {
                    throw new AllocationException(module + ": whitening needs an input Gram matrix of size " + n + "×" + n
                            + (g == null ? ", but none was supplied" : ", got " + g.rows() + "×" + g.cols()));
                }
                yield whiten(g, p.damping(), module);
            }
            case ASVD_SCALING -> new Transform(diagonal(module, "input mean |x|", stats.inputAbsMean(), n, p.exponent(),
                    p.damping()), "diagonal", p.damping(), false);
            case FISHER_WEIGHTING -> new Transform(diagonal(module, "Fisher information", stats.fisherRows(), n, 0.5,
                    p.damping()), "diagonal", p.damping(), false);
        };
    }

    /** Largest relative ridge {@link #whiten} tries: δ = 1 adds the mean diagonal itself. */
    public static final double MAX_DAMPING = 1.0;

    /**
     * Whitening that does not fail on a singular Gram (SVD-LLM's "not positive definite"): the
     * Cholesky factor of XᵀX + δ·mean(diag XᵀX)·I, starting at δ = {@code damping} (at least
     * 1e-10 so an exactly singular Gram is rescued at once) and multiplying δ by 10 until the
     * factorisation succeeds or δ exceeds {@link #MAX_DAMPING}. A finite symmetric positive
     * semi-definite Gram always succeeds at the first δ for which round-off no longer dominates;
     * an all-zero Gram (a module that never saw input) gives S = √δ·I.
     *
     * @throws AllocationException when G holds NaN/Inf, or is so indefinite (not a Gram matrix) that
     *                             even δ = 1 does not make it positive definite
     */
    public static Transform whiten(Matrix g, double damping, String module) {
        for (double v : g.data()) {
            if (!Double.isFinite(v)) {
                throw new AllocationException(module + ": the input Gram matrix contains NaN or infinite values");
            }
        }
        double delta = Math.max(damping, 1e-10);
        while (delta <= MAX_DAMPING * (1 + 1e-9)) {
            Matrix l = tryCholesky(g, delta);
            if (l != null) {
                return new Transform(l, "cholesky", delta, delta > damping * (1 + 1e-9));
            }
            delta *= 10;
        }
        throw new AllocationException(module + ": the input Gram matrix is not positive semi-definite (not even with "
                + "damping " + MAX_DAMPING + "); is it really XᵀX?");
    }

    private static Matrix diagonal(String module, String what, double[] v, int n, double exponent, double damping) {
        if (v == null || v.length != n) {
            throw new AllocationException(module + ": needs the " + what + " per input channel (" + n + " values)"
                    + (v == null ? ", but none was supplied" : ", got " + v.length));
        }
        double max = 0;
        for (double x : v) {
            if (!(x >= 0) || !Double.isFinite(x)) {
                throw new AllocationException(module + ": the " + what + " must be finite and ≥ 0");
            }
            max = Math.max(max, x);
        }
        double floor = max == 0 ? 1 : damping * max;
        Matrix s = Matrix.zeros(n, n);
        for (int i = 0; i < n; i++) {
            s.set(i, i, Math.pow(Math.max(v[i], floor), exponent));
        }
        return s;
    }

    /**
     * Lower-triangular L with L·Lᵀ = G + δ·mean(diag G)·I, δ = {@code damping} exactly (no
     * escalation; {@link #whiten} is the forgiving variant).
     *
     * @throws AllocationException when G is not symmetric positive definite even after damping
     */
    public static Matrix cholesky(Matrix g, double damping, String module) {
        if (g.cols() != g.rows()) {
            throw new AllocationException(module + ": the input Gram matrix must be square");
        }
        Matrix l = tryCholesky(g, damping);
        if (l == null) {
            throw new AllocationException(module + ": the input Gram matrix is not positive definite "
                    + "(raise the damping or collect more calibration data)");
        }
        return l;
    }

    /** L with L·Lᵀ = sym(G) + δ·mean(diag G)·I, or null when a pivot is not positive. */
    private static Matrix tryCholesky(Matrix g, double damping) {
        int n = g.rows();
        if (g.cols() != n) {
            throw new IllegalArgumentException("the input Gram matrix must be square");
        }
        double meanDiag = 0;
        for (int i = 0; i < n; i++) {
            meanDiag += g.get(i, i);
        }
        meanDiag = n == 0 ? 0 : meanDiag / n;
        double ridge = damping * (meanDiag > 0 ? meanDiag : 1);
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            double d = g.get(j, j) + ridge;
            for (int k = 0; k < j; k++) {
                d -= l[j * n + k] * l[j * n + k];
            }
            if (!(d > 0)) {
                return null;
            }
            double djj = Math.sqrt(d);
            l[j * n + j] = djj;
            for (int i = j + 1; i < n; i++) {
                double s = 0.5 * (g.get(i, j) + g.get(j, i));
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = s / djj;
            }
        }
        return new Matrix(n, n, l);
    }

    /** W·S for W m×n and S n×n (a new matrix). */
    public static Matrix multiply(Matrix w, Matrix s) {
        if (w.cols() != s.rows()) {
            throw new IllegalArgumentException("shapes " + w.rows() + "x" + w.cols() + " and " + s.rows() + "x" + s.cols());
        }
        int m = w.rows();
        int n = w.cols();
        int q = s.cols();
        double[] out = new double[m * q];
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < n; k++) {
                double a = w.get(i, k);
                if (a == 0) {
                    continue;
                }
                for (int j = 0; j < q; j++) {
                    out[i * q + j] += a * s.get(k, j);
                }
            }
        }
        return new Matrix(m, q, out);
    }

    /**
     * The allocation input with σ(W·S) in place of σ(W) (weighting metrics reset so they are
     * recomputed from the data-aware spectrum; α kept).
     *
     * @param weight the module's weight W, m×n, as {@code base} describes it
     * @param singularValues e.g. {@code a -> backend.singularValues(a, Tolerance.DEFAULT)}
     */
    public static AllocationInput dataAware(AllocationInput base, Matrix weight, DataAwareParameters p,
                                            Function<Matrix, SvdResult> singularValues) {
        return dataAware(base, weight, transform(base.moduleName(), base.statistics(), base.cols(), p).transform(),
                singularValues);
    }

    /**
     * The allocation input with σ(W·S) in place of σ(W) for a transform S already made (e.g. by
     * {@link #transform}, whose record the caller keeps for the plan's provenance).
     */
    public static AllocationInput dataAware(AllocationInput base, Matrix weight, Matrix s,
                                            Function<Matrix, SvdResult> singularValues) {
        if (weight.rows() != base.rows() || weight.cols() != base.cols()) {
            throw new IllegalArgumentException(base.id() + ": weight is " + weight.rows() + "x" + weight.cols()
                    + ", input says " + base.rows() + "x" + base.cols());
        }
        double[] sigma = singularValues.apply(multiply(weight, s)).sigma();
        return new AllocationInput(base.id(), base.moduleName(), base.layer(), base.module(), base.rows(), base.cols(),
                base.dtype(), sigma, Double.NaN, Double.NaN, base.alpha(), base.statistics());
    }

    /** {@link #dataAware(AllocationInput, Matrix, DataAwareParameters, Function)} with a backend's default tolerance. */
    public static AllocationInput dataAware(AllocationInput base, Matrix weight, DataAwareParameters p, SvdBackend backend) {
        return dataAware(base, weight, p, a -> backend.singularValues(a, SvdBackend.Tolerance.DEFAULT));
    }

    /**
     * The rank-k weight (W·S)_k·S⁻¹ from the thin SVD of W·S, S lower triangular (or diagonal).
     *
     * @param svdOfWs thin SVD of W·S with vectors
     * @param s       the transform S (lower triangular, non-singular)
     */
    public static Matrix reconstruct(SvdResult svdOfWs, int k, Matrix s) {
        Matrix u = svdOfWs.u();
        Matrix vt = svdOfWs.vt();
        int m = u.rows();
        int n = vt.cols();
        double[] a = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int t = 0; t < k; t++) {
                double c = u.get(i, t) * svdOfWs.sigma(t);
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += c * vt.get(t, j);
                }
            }
        }
        double[] x = new double[m * n];
        for (int i = 0; i < m; i++) {
            solveTimesInverse(a, i * n, s, x, i * n);
        }
        return new Matrix(m, n, x);
    }

    /**
     * Solves x·S = a for one row (length n = S's size), S lower triangular and non-singular:
     * Sᵀ·xᵀ = aᵀ by back substitution. Reads {@code a[aOff..aOff+n)}, writes {@code x[xOff..xOff+n)}.
     */
    public static void solveTimesInverse(double[] a, int aOff, Matrix s, double[] x, int xOff) {
        int n = s.rows();
        for (int j = n - 1; j >= 0; j--) {
            double v = a[aOff + j];
            for (int q = j + 1; q < n; q++) {
                v -= x[xOff + q] * s.get(q, j);
            }
            x[xOff + j] = v / s.get(j, j);
        }
    }
}
