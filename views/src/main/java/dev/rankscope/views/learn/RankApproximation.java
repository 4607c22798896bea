package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;

/**
 * Cached SVD factors of one matrix A = U Σ Vᵀ and the rank-k reconstruction
 * A_k = Σ_{i≤k} σ_i u_i v_iᵀ, rebuilt incrementally: moving from rank k to k' adds or
 * subtracts only the rank-one terms between them (O(|k'−k|·m·n)), so dragging a slider
 * stays fast on ~512² images. Eckart-Young (SPEC §4): ‖A − A_k‖_F / ‖A‖_F =
 * sqrt(Σ_{i>k} σ_i² / Σσ²).
 *
 * <p>Thread: methods are synchronized; the returned matrices are fresh copies.
 */
public final class RankApproximation {
    private final Matrix original;
    private final SvdResult svd;
    private final double[] current;
    private int currentRank;

    /** {@code svd} must be the thin SVD of {@code original}; neither is modified. */
    public RankApproximation(Matrix original, SvdResult svd) {
        if (svd.u() == null || svd.vt() == null) {
            throw new IllegalArgumentException("the SVD must include singular vectors");
        }
        this.original = original.copy();
        this.svd = svd;
        this.current = new double[original.rows() * original.cols()];
    }

    public Matrix original() {
        return original.copy();
    }

    /** m. */
    public int rows() {
        return original.rows();
    }

    /** n. */
    public int cols() {
        return original.cols();
    }

    /** Singular values, descending (a copy). */
    public double[] sigma() {
        return svd.sigma();
    }

    /** p = min(m, n). */
    public int maxRank() {
        return svd.size();
    }

    /** The rank-k reconstruction A_k (0 ≤ k ≤ p). */
    public synchronized Matrix reconstruct(int k) {
        if (k < 0 || k > maxRank()) {
            throw new IllegalArgumentException("rank must be in [0, " + maxRank() + "], got " + k);
        }
        int m = original.rows();
        int n = original.cols();
        Matrix u = svd.u();
        Matrix vt = svd.vt();
        while (currentRank != k) {
            int i = currentRank < k ? currentRank : currentRank - 1;
            double s = currentRank < k ? svd.sigma(i) : -svd.sigma(i);
            for (int r = 0; r < m; r++) {
                double f = s * u.get(r, i);
                int base = r * n;
                for (int c = 0; c < n; c++) {
                    current[base + c] += f * vt.get(i, c);
                }
            }
            currentRank += currentRank < k ? 1 : -1;
        }
        return new Matrix(m, n, current.clone());
    }

    /** Residual A − A_k. */
    public Matrix residual(Matrix reconstruction) {
        double[] a = original.data();
        double[] b = reconstruction.data();
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return new Matrix(original.rows(), original.cols(), r);
    }

    /** Eckart-Young relative error sqrt(Σ_{i>k}σ²/Σσ²) (0 for an all-zero matrix). */
    public double eckartYoungError(int k) {
        double total = 0;
        double tail = 0;
        double[] s = svd.sigma();
        for (int i = 0; i < s.length; i++) {
            total += s[i] * s[i];
            if (i >= k) {
                tail += s[i] * s[i];
            }
        }
        return total == 0 ? 0 : Math.sqrt(tail / total);
    }

    /** ‖A − B‖_F / ‖A‖_F. */
    public double relativeFrobeniusError(Matrix b) {
        double num = 0;
        double den = 0;
        double[] a = original.data();
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b.data()[i];
            num += d * d;
            den += a[i] * a[i];
        }
        return den == 0 ? 0 : Math.sqrt(num / den);
    }

    /** Parameters to store rank k as factors: k(m+n) (SPEC §4). */
    public static long factorCost(int k, int m, int n) {
        return (long) k * (m + n);
    }

    /** Break-even rank mn/(m+n): factorising saves only for k below it (SPEC §4). */
    public static double breakEven(int m, int n) {
        return (double) m * n / (m + n);
    }
}
