package dev.rankscope.analysis.quant;

/**
 * Where a quantization error is measured (SPEC §8–9): on the weights, ‖E‖_F, or on the calibration
 * activations, ‖E·Xᵀ‖_F = ‖E·Q·Λ^{1/2}‖_F (EoRA's eigenspace).
 */
public enum ErrorSpace {
    /** Frobenius norm of E = W − Ŵ; compensation by the truncated SVD of E. */
    WEIGHT,
    /** Activation-space norm ‖E·Q·Λ^{1/2}‖_F; compensation by EoRA. */
    ACTIVATION
}
