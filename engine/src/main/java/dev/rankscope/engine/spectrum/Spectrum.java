package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.SvdMethod;

/**
 * The singular spectrum of one matrix, as the engine computed it.
 *
 * @param ref       which matrix
 * @param sigma     all singular values, descending (or the top-k only when {@code approximate})
 * @param method    how it was computed (gesdd, Gram, ojAlgo, randomised)
 * @param precision arithmetic precision
 * @param approximate true for a randomised top-k pass; exact results replace it later
 * @param millis    wall time of the computation
 */
public record Spectrum(MatrixRef ref, double[] sigma, SvdMethod method, Precision precision,
                       boolean approximate, long millis) {
    public Spectrum {
        sigma = sigma.clone();
    }

    @Override
    public double[] sigma() {
        return sigma.clone();
    }
}
