package dev.rankscope.app.cli;

import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MemoryBudget;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that computes spectra ({@code analyze}, {@code plan},
 * {@code report}): which engine, how many matrices at once, the cache, and progress output.
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

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

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

    /** The analysis job in the real environment, with {@link #memory}. */
    AnalyzeJob job() {
        return new AnalyzeJob(AnalyzeJob.Environment.defaults().withMemory(memory));
    }
}
