package dev.rankscope.analysis.quant;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;

/**
 * A rank-k compensation C = B·A of a quantization error (SPEC §9), as the PEFT LoRA factors
 * {@code lora_B} = U_k Σ_k^{1/2} (m×k) and {@code lora_A} = Σ_k^{1/2} V_kᵀ (k×n), so that
 * W ≈ Ŵ + B·A with scaling 1.
 * <ul>
 *   <li>plain: U, Σ, V from the SVD of E itself (Eckart–Young: residual Σ_{i&gt;k} σ_i(E)²);</li>
 *   <li>EoRA: U, Σ, V from the SVD of E' = E·Q·Λ^{1/2}, and A mapped back by Λ^{−1/2}Qᵀ, so B·A =
 *   E'_k·Λ^{−1/2}Qᵀ (activation-space residual Σ_{i&gt;k} σ_i(E')²).</li>
 * </ul>
 * The matrices are new and owned by the record; treat them as read-only.
 *
 * @param rank  k ≥ 0 (for k = 0 both factors are empty)
 * @param loraB m×k
 * @param loraA k×n
 */
public record LowRankCompensation(int rank, Matrix loraB, Matrix loraA) {
    public LowRankCompensation {
        if (loraB.cols() != rank || loraA.rows() != rank) {
            throw new IllegalArgumentException("factors must have rank " + rank);
        }
    }

    /** From the thin SVD (with vectors) of E, keeping k directions. */
    public static LowRankCompensation fromSvd(SvdResult svd, int k) {
        return factors(svd, k);
    }

    /** From the thin SVD (with vectors) of E' = E·Q·Λ^{1/2}, mapped back by {@code projection}. */
    public static LowRankCompensation fromEora(SvdResult svdOfProjected, int k, EoraProjection projection) {
        LowRankCompensation inProjected = factors(svdOfProjected, k);
        return new LowRankCompensation(k, inProjected.loraB, projection.unproject(inProjected.loraA));
    }

    private static LowRankCompensation factors(SvdResult svd, int k) {
        if (k < 0 || k > svd.size()) {
            throw new IllegalArgumentException("rank " + k + " outside [0, " + svd.size() + "]");
        }
        Matrix u = svd.u();
        Matrix vt = svd.vt();
        int m = u.rows();
        int n = vt.cols();
        double[] b = new double[m * k];
        double[] a = new double[k * n];
        for (int t = 0; t < k; t++) {
            double root = Math.sqrt(svd.sigma(t));
            for (int i = 0; i < m; i++) {
                b[i * k + t] = u.get(i, t) * root;
            }
            for (int j = 0; j < n; j++) {
                a[t * n + j] = root * vt.get(t, j);
            }
        }
        return new LowRankCompensation(k, new Matrix(m, k, b), new Matrix(k, n, a));
    }

    /** C = B·A, m×n (a new matrix). */
    public Matrix product() {
        return Products.multiply(loraB, loraA);
    }

    /** Added LoRA parameters k(m+n). */
    public long parameters() {
        return (long) rank * (loraB.rows() + (long) loraA.cols());
    }
}
