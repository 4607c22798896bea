package dev.rankscope.app.cli;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.Precision;

import java.util.Locale;

/** Parsing of options shared by several subcommands, with one-sentence errors. */
final class CliOptions {
    private CliOptions() {
    }

    /** A bad option value; exit code 2 with the message. */
    static final class BadOptionException extends RankscopeException {
        BadOptionException(String message) {
            super(message);
        }
    }

    static Precision precision(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "f64", "float64", "double" -> Precision.F64;
            case "f32", "float32", "float" -> Precision.F32;
            default -> throw new BadOptionException("--dtype must be f64 or f32, not '" + value + "'");
        };
    }

    static Backends.Preference engine(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "auto" -> Backends.Preference.AUTO;
            case "native" -> Backends.Preference.NATIVE;
            case "java", "ojalgo" -> Backends.Preference.JAVA;
            default -> throw new BadOptionException("--engine must be auto, native or java, not '" + value + "'");
        };
    }

    /** Worker count for whole-matrix parallelism; 0 means the engine's default. */
    static int parallelism(int requested) {
        if (requested < 0) {
            throw new BadOptionException("--threads must be 0 (automatic) or positive");
        }
        return requested == 0 ? dev.rankscope.engine.spectrum.SpectrumTask.defaultParallelism() : requested;
    }

    /**
     * The spectrum cache's size limit: {@code --cache-limit}, else {@code $RANKSCOPE_CACHE_LIMIT},
     * else {@link SpectrumCache#DEFAULT_MAX_BYTES}; a bad value is a one-line error naming its source.
     */
    static long cacheLimit(String option) {
        String text = option != null ? option : System.getenv(SpectrumCache.LIMIT_ENV);
        if (text == null || text.isBlank()) {
            return SpectrumCache.DEFAULT_MAX_BYTES;
        }
        try {
            return SpectrumCache.parseSize(text);
        } catch (IllegalArgumentException e) {
            throw new BadOptionException((option != null ? "--cache-limit" : SpectrumCache.LIMIT_ENV) + ": " + e.getMessage());
        }
    }
}
