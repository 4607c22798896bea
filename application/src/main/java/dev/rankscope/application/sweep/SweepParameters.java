package dev.rankscope.application.sweep;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.job.JobParameters;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.SpectrumTask;

import java.util.List;

/**
 * The parameters of one checkpoint sweep (issue 17, SPEC §10): which checkpoints, in which order,
 * where the outputs go, and what is computed besides each matrix's spectrum and metrics.
 * Validates in its compact constructor; round-trips through {@code JobJson}; written as provenance
 * into {@code series.json}.
 *
 * @param checkpoints      checkpoint paths, ordered by parsed step ({@link SeriesOrder#byStep}); empty when {@code listFile} is given
 * @param listFile         a list file giving the order ({@link SeriesOrder#fromListFile}), or null
 * @param out              output folder (created): {@code sweep.csv}, {@code sweep.parquet}, {@code checkpoints/NNN-label.json}, {@code series.json}
 * @param metrics          metric columns of the table ({@link SweepColumns} names); empty for all
 * @param updates          which update spectra ΔW to compute
 * @param intrudersVsFirst whether to count intruder dimensions of each checkpoint against the first (SPEC §3)
 * @param intruders        k and ε of the intruder count
 * @param engine           SVD engine preference (as {@code analyze --engine})
 * @param threads          matrices computed at once, 0 for one per core (as {@code analyze --threads})
 * @param useCache         read and write the spectrum cache shared with {@code analyze} and the workbench
 */
public record SweepParameters(List<String> checkpoints, String listFile, String out, List<String> metrics,
                              Updates updates, boolean intrudersVsFirst, IntruderParameters intruders,
                              Backends.Preference engine, int threads, boolean useCache) implements JobParameters {

    /** Which pairs of checkpoints an update ΔW = W_b − W_a is taken between. */
    public enum Updates {
        /** No update spectra. */
        NONE,
        /** Each checkpoint against the one before it. */
        CONSECUTIVE,
        /** Each checkpoint against the first. */
        FIRST;

        /**
         * The value of {@code --updates[=VS]}: null for none, {@code consecutive} (or {@code previous})
         * or {@code first}.
         *
         * @throws IllegalArgumentException for any other value, in one sentence
         */
        public static Updates parse(String value) {
            if (value == null) {
                return NONE;
            }
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "consecutive", "previous" -> CONSECUTIVE;
                case "first" -> FIRST;
                default -> throw new IllegalArgumentException("--updates must be consecutive or first, not '" + value + "'");
            };
        }
    }

    public SweepParameters {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
        metrics = metrics == null ? List.of() : List.copyOf(metrics);
        if (checkpoints.isEmpty() == (listFile == null)) {
            throw new IllegalArgumentException(listFile == null
                    ? "give the checkpoints of the sweep, or --list FILE"
                    : "give either checkpoints or --list FILE, not both");
        }
        if (out == null || out.isBlank()) {
            throw new IllegalArgumentException("an output folder (--out DIR) is required");
        }
        SweepColumns.select(metrics);
        updates = updates == null ? Updates.NONE : updates;
        intruders = intruders == null ? IntruderParameters.DEFAULT : intruders;
        engine = engine == null ? Backends.Preference.AUTO : engine;
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be 0 (automatic) or positive");
        }
    }

    /** The ordered series these parameters describe (reads the list file when there is one). */
    public SeriesOrder.Ordered order() {
        return listFile != null ? SeriesOrder.fromListFile(java.nio.file.Path.of(listFile)) : SeriesOrder.byStep(checkpoints);
    }

    /** Matrices computed at once: {@link #threads()}, or one per core for 0. */
    public int parallelism() {
        return threads == 0 ? SpectrumTask.defaultParallelism() : threads;
    }

    /** The table these parameters ask for. */
    public SweepTable table() {
        return new SweepTable(SweepColumns.select(metrics), updates != Updates.NONE, intrudersVsFirst);
    }
}
