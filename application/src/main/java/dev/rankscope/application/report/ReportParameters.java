package dev.rankscope.application.report;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.job.JobParameters;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.engine.linalg.Backends;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One HTML report run: the checkpoint, the file to write, an optional plan to summarise, an
 * optional comparison (a base this checkpoint was fine-tuned from, or a PEFT adapter for it), an
 * optional quality-vs-size sweep of the model, the
 * chart size and the engine. Validated here; a bad value is an {@link IllegalArgumentException}
 * whose message is the user's sentence.
 *
 * @param checkpoint checkpoint file, folder or sharded index
 * @param out        the HTML file
 * @param plan       a rankscope-plan JSON to summarise, or null
 * @param base       base checkpoint for the intruder summary, or null
 * @param adapter    PEFT LoRA adapter folder for the intruder summary, or null (not with {@code base})
 * @param quality    a quality-vs-size sweep JSON ({@code rankscope evaluate --sweep --json}) to chart, or null
 * @param intruders  k and ε of the intruder summary
 * @param chartSize  size of each spectrum chart
 * @param engine     SVD engine
 * @param threads    matrices decomposed at once (0: automatic)
 * @param useCache   read and write the spectrum cache
 */
public record ReportParameters(Path checkpoint, Path out, Path plan, Path base, Path adapter, Path quality,
                               IntruderParameters intruders, ChartSize chartSize, Backends.Preference engine,
                               int threads, boolean useCache) implements JobParameters {
    public ReportParameters {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(intruders, "intruders");
        chartSize = chartSize == null ? ChartSize.REPORT : chartSize;
        engine = engine == null ? Backends.Preference.AUTO : engine;
        if (base != null && adapter != null) {
            throw new IllegalArgumentException("--base and --adapter exclude each other");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be 0 (automatic) or positive");
        }
    }

    /** Matrices decomposed at once: {@link #threads()} or the engine's default. */
    public int parallelism() {
        return threads == 0 ? dev.rankscope.engine.spectrum.SpectrumTask.defaultParallelism() : threads;
    }
}
