package dev.rankscope.engine.linalg;

/**
 * Computes singular values and vectors. Implementations: the native OpenBLAS/LAPACK backend
 * and the pure-Java ojAlgo backend; both pass {@code SvdBackendContract}.
 *
 * <p>Contract for every method:
 * <ul>
 *   <li>the input matrix is never modified;</li>
 *   <li>singular values are returned in descending order, length p = min(m, n), all ≥ 0;</li>
 *   <li>input with NaN or ±Inf is rejected with a {@link LinalgException} before any work;</li>
 *   <li>a 0×n or m×0 matrix gives an empty spectrum;</li>
 *   <li>accuracy: against {@code dgesdd} in float64, σ_i agree to {@link Tolerance#relative}
 *       relative for σ_i ≥ {@link Tolerance#smallCut}·σ₁ and {@link Tolerance#absolute}·σ₁ below.</li>
 * </ul>
 * Thread-safe: independent calls may run concurrently.
 */
public interface SvdBackend {

    /** What this backend is and how it is configured. */
    EngineInfo info();

    /**
     * Singular values only. The backend may pick a faster path (the Gram path) only where its
     * error bound meets {@code tolerance}; the path taken is reported in the result.
     */
    SvdResult singularValues(Matrix a, Tolerance tolerance);

    /** Thin SVD with vectors (U m×p, Vᵀ p×n). */
    SvdResult svd(Matrix a);

    /** Accuracy requirement for singular values (SPEC / foundation issue). */
    record Tolerance(double relative, double absolute, double smallCut) {
        /** ≤ 1e-6 relative for σ ≥ 1e-3·σ₁, ≤ 1e-7·σ₁ absolute below. */
        public static final Tolerance DEFAULT = new Tolerance(1e-6, 1e-7, 1e-3);

        public Tolerance {
            if (!(relative > 0) || !(absolute > 0) || !(smallCut > 0)) {
                throw new IllegalArgumentException("tolerances must be positive");
            }
        }
    }
}
