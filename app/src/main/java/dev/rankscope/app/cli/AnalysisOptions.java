package dev.rankscope.app.cli;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MemoryBudget;
import picocli.CommandLine.Option;

import java.util.Locale;

/**
 * Options shared by every command that computes spectra ({@code analyze}, {@code plan},
 * {@code report}): which engine, how many matrices at once, the cache, progress output and the
 * metric options (MP fit mode, {@code min_evals}; SPEC §2).
 * A picocli mixin, so the options read and validate the same everywhere.
 */
final class AnalysisOptions {
    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "auto, native (OpenBLAS/LAPACK) or java (ojAlgo). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Matrices decomposed at once (0 = automatic).")
    int threads;

    @Option(names = "--no-cache", description = "Neither read nor write the on-disk spectrum cache.")
    boolean noCache;

    @Option(names = "--cache-limit", paramLabel = "SIZE",
            description = "Size limit of the spectrum cache, e.g. 2G or 500M; least recently used entries are "
                    + "removed beyond it. Default: $RANKSCOPE_CACHE_LIMIT, else 2G.")
    String cacheLimit;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Option(names = "--mp-fit", paramLabel = "MODE", defaultValue = "ww",
            description = "Marchenko-Pastur fit: ww (WeightWatcher 0.7.5.5's, the default), grid (SPEC-literal grid "
                    + "search, labelled), quick (s^2 = mean eigenvalue, labelled) or off.")
    String mpFit;

    @Option(names = "--min-evals", paramLabel = "N", defaultValue = "" + AnalysisParameters.DEFAULT_MIN_EVALS,
            description = "Matrices with fewer eigenvalues get no power-law and no MP fit, as in WeightWatcher "
                    + "(default: ${DEFAULT-VALUE}).")
    int minEvals;

    /**
     * Memory admission control for the spectra; null (always, outside tests) takes the runtime's
     * when the analysis starts. Not an option: tests set it to make a matrix fail on purpose.
     */
    MemoryBudget memory;

    /** The engine the user chose (native falls back to Java with a note). */
    Backends.Preference preference() {
        return CliOptions.engine(engine);
    }

    /** Worker count, checked ({@code --threads} ≥ 0; 0 stays "automatic"). */
    int threads() {
        CliOptions.parallelism(threads);
        return threads;
    }

    /**
     * The metric options ({@code --mp-fit}, {@code --min-evals}; SPEC §2).
     *
     * @throws CliOptions.BadOptionException for an unknown MP mode or a negative count (exit 2)
     */
    AnalysisParameters metrics() {
        AnalysisParameters.MpMode mode = switch (mpFit.toLowerCase(Locale.ROOT)) {
            case "ww", "weightwatcher" -> AnalysisParameters.MpMode.FIT;
            case "grid" -> AnalysisParameters.MpMode.GRID;
            case "quick" -> AnalysisParameters.MpMode.QUICK;
            case "off" -> AnalysisParameters.MpMode.OFF;
            default -> throw new CliOptions.BadOptionException(
                    "--mp-fit must be ww, grid, quick or off, not \"" + mpFit + "\"");
        };
        if (minEvals < 0) {
            throw new CliOptions.BadOptionException("--min-evals must be ≥ 0, not " + minEvals);
        }
        return new AnalysisParameters(mode, Double.NaN, minEvals);
    }

    /** The analysis job in the real environment, with {@link #memory} and the cache limit. */
    AnalyzeJob job() {
        return new AnalyzeJob(AnalyzeJob.Environment.defaults().withMemory(memory)
                .withCacheLimit(CliOptions.cacheLimit(cacheLimit)));
    }
}
