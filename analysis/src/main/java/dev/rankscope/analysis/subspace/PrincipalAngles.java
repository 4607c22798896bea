package dev.rankscope.analysis.subspace;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;

/**
 * Principal angles between two k-dimensional subspaces of ℝᵐ given by orthonormal bases
 * (SPEC §11): {@code cos θ_i = σ_i(A_kᵀ B_k)}, i = 1..k, descending, and the overlap score
 * {@code ‖A_kᵀB_k‖²_F / k} ∈ [0, 1] (1 = the same subspace, ≈ k/m for random subspaces).
 * Pure functions; inputs are not modified.
 */
public final class PrincipalAngles {
    private PrincipalAngles() {
    }

    /**
     * @param cosines cos θ_1 ≥ … ≥ cos θ_k, each clamped to [0, 1] (rounding can push a cosine
     *                of identical subspaces a few ulps above 1)
     * @param overlap ‖AᵀB‖²_F / k
     */
    public record Result(double[] cosines, double overlap) {
        public Result {
            cosines = cosines.clone();
        }

        @Override
        public double[] cosines() {
            return cosines.clone();
        }

        public int k() {
            return cosines.length;
        }
    }

    /**
     * Compares the first {@code k} columns of two bases with the same number of rows.
     *
     * @param a       m×ka, orthonormal columns, ka ≥ k
     * @param b       m×kb, orthonormal columns, kb ≥ k
     * @param k       subspace dimension, 1 ≤ k ≤ min(ka, kb)
     * @param backend the SVD engine for the k×k cosine matrix
     */
    public static Result compare(Matrix a, Matrix b, int k, SvdBackend backend) {
        if (a.rows() != b.rows()) {
            throw new IllegalArgumentException("subspaces live in different spaces: " + a.rows() + " vs " + b.rows() + " rows");
        }
        if (k < 1 || k > a.cols() || k > b.cols()) {
            throw new IllegalArgumentException("k = " + k + " is outside 1.." + Math.min(a.cols(), b.cols()));
        }
        Matrix c = crossProduct(a, b, k);
        double frob2 = 0;
        for (double v : c.data()) {
            frob2 += v * v;
        }
        double[] sigma = backend.svd(c).sigma();
        double[] cos = new double[k];
        for (int i = 0; i < k; i++) {
            cos[i] = Math.min(1.0, Math.max(0.0, i < sigma.length ? sigma[i] : 0.0));
        }
        return new Result(cos, frob2 / k);
    }

    /** {@code A_kᵀ B_k} (k×k) of the first k columns of row-major m×ka and m×kb bases. */
    static Matrix crossProduct(Matrix a, Matrix b, int k) {
        int m = a.rows();
        int ka = a.cols();
        int kb = b.cols();
        double[] ad = a.data();
        double[] bd = b.data();
        double[] c = new double[k * k];
        for (int r = 0; r < m; r++) {
            int ar = r * ka;
            int br = r * kb;
            for (int i = 0; i < k; i++) {
                double ai = ad[ar + i];
                if (ai == 0) {
                    continue;
                }
                int ci = i * k;
                for (int j = 0; j < k; j++) {
                    c[ci + j] += ai * bd[br + j];
                }
            }
        }
        return new Matrix(k, k, c);
    }
}
