package dev.rankscope.analysis.quant;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.metrics.RankMetrics;

import java.util.Objects;

/**
 * The quantization error of one matrix (SPEC §9): E = W − Ŵ, its singular spectrum, ‖E‖/‖W‖, the
 * rank measures of E (SPEC §1: effective rank, energy ranks r(τ), …) and, when calibration
 * statistics are given, the same in activation space: σ(E') with E' = E·Q·Λ^{1/2}
 * ({@link EoraProjection}) and ‖W·Q·Λ^{1/2}‖. Immutable; arrays are copied.
 *
 * @param id                    matrix id (tensor name)
 * @param moduleName            module name (PEFT key)
 * @param rows                  m
 * @param cols                  n
 * @param weightEnergy          ‖W‖²_F
 * @param errorSigma            σ(E), descending, length min(m, n)
 * @param errorMetrics          SPEC §1 measures of σ(E)
 * @param activationWeightEnergy ‖W·Q·Λ^{1/2}‖²_F, or NaN without statistics
 * @param activationSigma       σ(E'), descending, or null without statistics
 */
public record QuantErrorSpectrum(String id, String moduleName, int rows, int cols, double weightEnergy,
                                 double[] errorSigma, RankMetrics errorMetrics, double activationWeightEnergy,
                                 double[] activationSigma) {
    public QuantErrorSpectrum {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(moduleName, "moduleName");
        errorSigma = errorSigma.clone();
        activationSigma = activationSigma == null ? null : activationSigma.clone();
    }

    /** Builds the record, computing the rank measures of σ(E). */
    public static QuantErrorSpectrum of(String id, String moduleName, int rows, int cols, double weightEnergy,
                                        double[] errorSigma, double activationWeightEnergy, double[] activationSigma) {
        return new QuantErrorSpectrum(id, moduleName, rows, cols, weightEnergy, errorSigma,
                RankMeasures.compute(errorSigma, rows, cols), activationWeightEnergy, activationSigma);
    }

    @Override
    public double[] errorSigma() {
        return errorSigma.clone();
    }

    @Override
    public double[] activationSigma() {
        return activationSigma == null ? null : activationSigma.clone();
    }

    /** Whether activation-space figures are present. */
    public boolean hasActivation() {
        return activationSigma != null;
    }

    /** The spectrum compensation works on in {@code space}. */
    public double[] sigma(ErrorSpace space) {
        return space == ErrorSpace.WEIGHT ? errorSigma() : requireActivation().clone();
    }

    /** ‖E‖²_F = Σσ(E)². */
    public double errorEnergy() {
        return tail(errorSigma, 0);
    }

    /** ‖E‖_F / ‖W‖_F (0 for an all-zero W). */
    public double relativeError() {
        return weightEnergy == 0 ? 0 : Math.sqrt(errorEnergy() / weightEnergy);
    }

    /** ‖E'‖_F / ‖W·Q·Λ^{1/2}‖_F, or NaN without statistics. */
    public double activationRelativeError() {
        if (!hasActivation()) {
            return Double.NaN;
        }
        return activationWeightEnergy == 0 ? 0 : Math.sqrt(tail(activationSigma, 0) / activationWeightEnergy);
    }

    /** Residual energy Σ_{i&gt;k} σ_i² of the rank-k compensation in {@code space}. */
    public double residualEnergy(int k, ErrorSpace space) {
        return tail(space == ErrorSpace.WEIGHT ? errorSigma : requireActivation(), k);
    }

    /** Residual after rank k relative to ‖W‖ (weight) or ‖W·Q·Λ^{1/2}‖ (activation). */
    public double relativeResidual(int k, ErrorSpace space) {
        double ref = space == ErrorSpace.WEIGHT ? weightEnergy : activationWeightEnergy;
        return ref == 0 ? 0 : Math.sqrt(residualEnergy(k, space) / ref);
    }

    /**
     * Smallest k whose compensation brings the error to at most {@code target} relative to the
     * weight (‖E − C_k‖ ≤ target·‖W‖ in weight space; likewise with W·Q·Λ^{1/2} in activation space);
     * 0 when the quantization error is already below it.
     */
    public int rankForTarget(double target, ErrorSpace space) {
        if (!(target >= 0)) {
            throw new IllegalArgumentException("target error must be ≥ 0, got " + target);
        }
        double[] s = space == ErrorSpace.WEIGHT ? errorSigma : requireActivation();
        double ref = space == ErrorSpace.WEIGHT ? weightEnergy : activationWeightEnergy;
        double allowed = target * target * ref;
        double tail = tail(s, 0);
        int k = 0;
        while (k < s.length && tail > allowed) {
            tail -= s[k] * s[k];
            k++;
        }
        return k;
    }

    private double[] requireActivation() {
        if (activationSigma == null) {
            throw new IllegalStateException(id + ": no calibration statistics, so no activation-space spectrum");
        }
        return activationSigma;
    }

    private static double tail(double[] s, int k) {
        double t = 0;
        for (int i = s.length - 1; i >= k; i--) {
            t += s[i] * s[i];
        }
        return t;
    }
}
