package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;

/**
 * Receives results of a {@link SpectrumTask} as each matrix finishes. Called on worker threads,
 * possibly concurrently; implementations synchronise (and UI code marshals to its own thread).
 */
public interface SpectrumListener {
    /** A matrix's spectrum is ready. */
    void onSpectrum(Spectrum spectrum);

    /** One matrix failed (bad data, NaN weights, out of memory); the task goes on with the others. */
    void onFailure(MatrixRef ref, RankscopeException error);
}
