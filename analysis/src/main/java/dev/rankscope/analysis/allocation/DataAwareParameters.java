package dev.rankscope.analysis.allocation;

import java.util.Objects;

/**
 * How calibration statistics reshape a weight before allocation (SPEC §4, data-aware variants).
 * Each method multiplies W (m×n) on the input side by an n×n matrix S; the allocation then runs
 * on σ(W·S) and the compressed weight is (W·S)_k·S⁻¹, so the discarded energy Σ_{i>k}σ_i(W·S)²
 * is the error measured on the calibration data rather than on the weights.
 *
 * @param method   which statistics and transform
 * @param exponent ASVD's exponent a in S = diag(s^a) (0.5 in the paper); ignored otherwise
 * @param damping  relative ridge added before factorising: XᵀX + damping·mean(diag XᵀX)·I for
 *                 whitening, and the floor damping·max(v) for diagonal scales; ≥ 0
 */
public record DataAwareParameters(Method method, double exponent, double damping) {

    /** Data-aware transforms. */
    public enum Method {
        /** SVD-LLM (Wang et al. 2024): S = chol(XᵀX), lower triangular, from {@code <module>.input_gram}. */
        SVD_LLM_WHITENING,
        /** ASVD (Yuan et al. 2023): S = diag(s^a), s = mean |x| per input channel, from {@code <module>.input_absmean}. */
        ASVD_SCALING,
        /** Fisher weighting (FWSVD, Hsu et al. 2022): S = diag(sqrt(f)), f per input channel, from {@code <module>.fisher_rows}. */
        FISHER_WEIGHTING
    }

    public DataAwareParameters {
        Objects.requireNonNull(method, "method");
        if (!(exponent > 0 && Double.isFinite(exponent))) {
            throw new IllegalArgumentException("exponent must be positive, got " + exponent);
        }
        if (!(damping >= 0 && Double.isFinite(damping))) {
            throw new IllegalArgumentException("damping must be ≥ 0, got " + damping);
        }
    }

    /** Exponent 0.5, damping 1e-6. */
    public static DataAwareParameters of(Method method) {
        return new DataAwareParameters(method, 0.5, 1e-6);
    }
}
