package dev.rankscope.analysis.plan;

import dev.rankscope.engine.tensor.DType;

import java.util.Objects;

/**
 * Options for the factorised safetensors export (SPEC §5).
 *
 * @param factorDType element type of the U and V factors: F32 (default) or F64; F16/BF16 are
 *                    allowed but their rounding (≈1e-3 relative) can exceed {@code tolerance}
 * @param tolerance   largest accepted |‖W − U·V‖_F/‖W‖_F − rel_error| when verifying; SPEC uses 1e-5
 */
public record FactorisedExportParameters(DType factorDType, double tolerance) {
    public FactorisedExportParameters {
        Objects.requireNonNull(factorDType, "factorDType");
        if (factorDType != DType.F32 && factorDType != DType.F64 && factorDType != DType.F16
                && factorDType != DType.BF16) {
            throw new IllegalArgumentException("factors must be F32, F64, F16 or BF16, got " + factorDType);
        }
        if (!(tolerance > 0 && Double.isFinite(tolerance))) {
            throw new IllegalArgumentException("tolerance must be positive, got " + tolerance);
        }
    }

    /** F32 factors, tolerance 1e-5. */
    public static FactorisedExportParameters defaults() {
        return new FactorisedExportParameters(DType.F32, 1e-5);
    }
}
