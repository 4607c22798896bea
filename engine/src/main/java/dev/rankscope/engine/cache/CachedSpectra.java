package dev.rankscope.engine.cache;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.spectrum.SpectrumListener;

import java.util.ArrayList;
import java.util.List;

/**
 * Puts a {@link SpectrumCache} in front of a spectrum run without changing the run itself:
 * {@link #replayHits} sends every cached spectrum to the listener at once and returns the
 * matrices still to compute; {@link #storing} wraps the run's listener so each freshly computed
 * exact spectrum is written to the cache before being passed on.
 */
public final class CachedSpectra {
    private CachedSpectra() {
    }

    /**
     * Delivers cached spectra of {@code refs} to {@code listener} (on the calling thread) and
     * returns, in order, the refs that missed.
     */
    public static List<MatrixRef> replayHits(SpectrumCache cache, FileIdentity identity, List<MatrixRef> refs,
                                             Precision precision, SpectrumListener listener) {
        List<MatrixRef> misses = new ArrayList<>();
        for (MatrixRef ref : refs) {
            cache.get(identity, ref, precision).ifPresentOrElse(listener::onSpectrum, () -> misses.add(ref));
        }
        return misses;
    }

    /** A listener that caches each exact spectrum, then forwards everything to {@code delegate}. */
    public static SpectrumListener storing(SpectrumCache cache, FileIdentity identity, SpectrumListener delegate) {
        return new SpectrumListener() {
            @Override
            public void onSpectrum(Spectrum spectrum) {
                cache.put(identity, spectrum);
                delegate.onSpectrum(spectrum);
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                delegate.onFailure(ref, error);
            }
        };
    }
}
