package dev.rankscope.application.workbench;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.engine.cache.SpectrumCache;

import java.util.Objects;

/**
 * What the workbench's Edit ▸ Settings decide about analyses, the counterpart of the CLI's
 * {@code --mp-fit}, {@code --min-evals} and {@code --cache-limit}: how spectra become metrics
 * (SPEC §2) and the spectrum cache's size limit. Immutable; validated on construction.
 *
 * @param metrics    MP fit mode and {@code min_evals} of every analysis started from now on
 * @param cacheLimit size limit of the spectrum cache in bytes (&gt; 0), least recently used entries evicted
 */
public record AnalysisSettings(AnalysisParameters metrics, long cacheLimit) {
    public AnalysisSettings {
        Objects.requireNonNull(metrics, "metrics");
        if (cacheLimit <= 0) {
            throw new IllegalArgumentException("cache limit must be positive, got " + cacheLimit);
        }
    }

    /** The CLI's defaults: WeightWatcher's fit, {@code min_evals} 10, {@link SpectrumCache#configuredLimit()}. */
    public static AnalysisSettings defaults() {
        return new AnalysisSettings(AnalysisParameters.DEFAULT, SpectrumCache.configuredLimit());
    }

    /** A copy with another MP mode. */
    public AnalysisSettings withMarchenkoPastur(AnalysisParameters.MpMode mode) {
        return new AnalysisSettings(metrics.withMarchenkoPastur(mode), cacheLimit);
    }

    /** A copy with another {@code min_evals}. */
    public AnalysisSettings withMinEvals(int count) {
        return new AnalysisSettings(metrics.withMinEvals(count), cacheLimit);
    }

    /** A copy with another cache limit. */
    public AnalysisSettings withCacheLimit(long bytes) {
        return new AnalysisSettings(metrics, bytes);
    }
}
