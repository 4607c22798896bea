package dev.rankscope.analysis.quant;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;

/**
 * EoRA's eigenspace projection (Liu et al. 2024, "EoRA: Training-free Compensation for Compressed
 * LLM with Eigenspace Low-Rank Approximation"; SPEC §9) for one linear module with calibration
 * Gram G = XᵀX (n×n, SPEC §8 {@code input_gram}).
 *
 * <p>G = Q Λ Qᵀ is decomposed with the engine's SVD (for a symmetric positive semi-definite matrix
 * the SVD is the eigen-decomposition; a direction whose left and right vectors disagree in sign
 * has a negative eigenvalue from rounding and is clipped to 0). Damping:
 * λ_i ← max(λ_i, 0) + δ·mean(λ), so Λ is positive definite for any δ &gt; 0. Then for an error
 * E (m×n): E' = E·Q·Λ^{1/2}, whose squared Frobenius norm is the activation-space error
 * tr(E (G + δ·mean(λ)·I) Eᵀ); the rank-k compensation is E'_k·Λ^{−1/2}·Qᵀ and its activation-space
 * residual Σ_{i&gt;k} σ_i(E')².
 *
 * <p>Immutable; thread-safe. Inputs are not modified.
 */
public final class EoraProjection {
    private final int n;
    /** Q, n×n, eigenvectors as columns. */
    private final Matrix q;
    /** Damped eigenvalues, length n, all &gt; 0. */
    private final double[] lambda;

    private EoraProjection(Matrix q, double[] lambda) {
        this.n = q.rows();
        this.q = q;
        this.lambda = lambda;
    }

    /**
     * Decomposes a calibration Gram matrix.
     *
     * @param gram    XᵀX, n×n, symmetric (it is symmetrised as (G + Gᵀ)/2)
     * @param damping δ ≥ 0, relative to the mean eigenvalue (δ &gt; 0 required unless G is definite)
     * @throws IllegalArgumentException when G is not square or finite, or Λ is singular after damping
     */
    public static EoraProjection of(Matrix gram, double damping, SvdBackend backend) {
        int n = gram.rows();
        if (gram.cols() != n) {
            throw new IllegalArgumentException("the input Gram matrix must be square, got " + n + "x" + gram.cols());
        }
        if (!(damping >= 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("damping must be finite and ≥ 0, got " + damping);
        }
        double[] sym = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sym[i * n + j] = 0.5 * (gram.get(i, j) + gram.get(j, i));
            }
        }
        Matrix g = new Matrix(n, n, sym);
        if (!g.isFinite()) {
            throw new IllegalArgumentException("the input Gram matrix has NaN or infinite entries");
        }
        SvdResult svd = backend.svd(g);
        double[] lam = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int r = 0; r < n; r++) {
                dot += svd.u().get(r, i) * svd.vt().get(i, r);
            }
            lam[i] = dot > 0 ? svd.sigma(i) : 0;
            mean += lam[i];
        }
        mean = n == 0 ? 0 : mean / n;
        double ridge = damping * mean;
        for (int i = 0; i < n; i++) {
            lam[i] += ridge;
            if (!(lam[i] > 0)) {
                throw new IllegalArgumentException("the input Gram matrix is singular; EoRA needs a damping > 0");
            }
        }
        return new EoraProjection(svd.u(), lam);
    }

    /** n, the input dimension. */
    public int size() {
        return n;
    }

    /** The damped eigenvalues λ (a copy), in the order of Q's columns (descending before damping). */
    public double[] eigenvalues() {
        return lambda.clone();
    }

    /** E' = E·Q·Λ^{1/2} (m×n, new matrix). */
    public Matrix project(Matrix e) {
        checkCols(e);
        double[] qs = new double[n * n];
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                qs[r * n + c] = q.get(r, c) * Math.sqrt(lambda[c]);
            }
        }
        return Products.multiply(e, new Matrix(n, n, qs));
    }

    /** A'·Λ^{−1/2}·Qᵀ for a k×n matrix A' in projected coordinates (new matrix): maps factors back. */
    public Matrix unproject(Matrix aPrime) {
        checkCols(aPrime);
        double[] t = new double[n * n];
        for (int c = 0; c < n; c++) {
            double s = 1 / Math.sqrt(lambda[c]);
            for (int r = 0; r < n; r++) {
                t[c * n + r] = s * q.get(r, c);
            }
        }
        return Products.multiply(aPrime, new Matrix(n, n, t));
    }

    /** ‖M·Q·Λ^{1/2}‖²_F = tr(M (G + ridge·I) Mᵀ): activation-space energy of any m×n matrix M. */
    public double activationEnergy(Matrix mat) {
        Matrix p = project(mat);
        double s = 0;
        for (double v : p.data()) {
            s += v * v;
        }
        return s;
    }

    private void checkCols(Matrix a) {
        if (a.cols() != n) {
            throw new IllegalArgumentException("matrix has " + a.cols() + " columns, the Gram matrix is " + n + "×" + n);
        }
    }
}
