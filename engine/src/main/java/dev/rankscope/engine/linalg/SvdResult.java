package dev.rankscope.engine.linalg;

/**
 * A thin SVD {@code A = U Σ Vᵀ} of an m×n matrix, p = min(m, n).
 *
 * @param sigma singular values, length p, always descending, all ≥ 0
 * @param u     left singular vectors m×p (columns), or null when not requested
 * @param vt    right singular vectors transposed p×n (rows), or null when not requested
 * @param method how it was computed
 */
public record SvdResult(double[] sigma, Matrix u, Matrix vt, SvdMethod method) {
    public SvdResult {
        sigma = sigma.clone();
    }

    @Override
    public double[] sigma() {
        return sigma.clone();
    }

    /** Number of singular values (p). */
    public int size() {
        return sigma.length;
    }

    /** σ_i without copying the array. */
    public double sigma(int i) {
        return sigma[i];
    }
}
