package dev.rankscope.engine.linalg;

import dev.rankscope.engine.spectrum.Precision;

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

    /**
     * Singular values computed in the given arithmetic precision. {@link Precision#F64} is
     * {@link #singularValues(Matrix, Tolerance)}. {@link Precision#F32}: the input is rounded to
     * float32 and the decomposition runs in float32 where the backend has a single-precision
     * routine (native: {@code sgesdd}); this default rounds a copy of the input to float32 and
     * computes in float64 (the input is never modified). {@code tolerance} binds the float64 path
     * only: float32 results are accurate to about p·2⁻²⁴·σ₁ absolute, whatever the tolerance.
     */
    default SvdResult singularValues(Matrix a, Tolerance tolerance, Precision precision) {
        if (precision == Precision.F64) {
            return singularValues(a, tolerance);
        }
        double[] rounded = a.data().clone();
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = (float) rounded[i];
        }
        return singularValues(new Matrix(a.rows(), a.cols(), rounded), tolerance);
    }

    /**
     * Threads one call may use. For the native backend this is OpenBLAS's process-global thread
     * count (it affects every later native call); the default does nothing.
     */
    default void setThreadsPerCall(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
        }
    }

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
