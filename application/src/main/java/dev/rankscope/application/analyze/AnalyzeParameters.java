package dev.rankscope.application.analyze;

import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.application.job.JobParameters;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.Precision;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One analysis run (SPEC §1–2, §7): which checkpoint, which of its matrices, how they are listed,
 * the engine, and the exports. Validated here; a bad value is an {@link IllegalArgumentException}
 * whose message is the user's sentence.
 *
 * @param checkpoint a checkpoint file, folder or sharded index
 * @param filter     regular expression; only matrices whose id contains a match (null: all)
 * @param perHead    also list per-head blocks of attention projections
 * @param conv       how conv kernels become matrices
 * @param precision  arithmetic precision
 * @param engine     which SVD engine
 * @param threads    matrices decomposed at once (0: automatic)
 * @param useCache   read and write the on-disk spectrum cache
 * @param json       analysis JSON to write, or null
 * @param csv        analysis CSV to write, or null
 */
public record AnalyzeParameters(Path checkpoint, String filter, boolean perHead, ConvMode conv, Precision precision,
                                Backends.Preference engine, int threads, boolean useCache, Path json, Path csv)
        implements JobParameters {
    public AnalyzeParameters {
        Objects.requireNonNull(checkpoint, "checkpoint");
        conv = conv == null ? ConvMode.RESHAPE : conv;
        precision = precision == null ? Precision.F64 : precision;
        engine = engine == null ? Backends.Preference.AUTO : engine;
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (automatic) or positive");
        }
        if (filter != null) {
            try {
                Pattern.compile(filter);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("filter is not a valid regular expression: " + e.getDescription());
            }
        }
    }

    /** Every matrix of {@code checkpoint} with the defaults (float64, automatic engine, cache on, no exports). */
    public static AnalyzeParameters of(Path checkpoint) {
        return new AnalyzeParameters(checkpoint, null, false, ConvMode.RESHAPE, Precision.F64, Backends.Preference.AUTO,
                0, true, null, null);
    }

    /** Whether the matrix {@code id} passes {@link #filter()}. */
    public boolean selects(String id) {
        return filter == null || Pattern.compile(filter).matcher(id).find();
    }

    /** Matrices decomposed at once: {@link #threads()} or the engine's default. */
    public int parallelism() {
        return threads == 0 ? dev.rankscope.engine.spectrum.SpectrumTask.defaultParallelism() : threads;
    }
}
