package dev.rankscope.views.series;

import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SweepColumns;
import dev.rankscope.application.sweep.SweepParquet;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.application.sweep.SweepTable;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.views.fx.BackgroundRunner;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Writes the Series tab's long table (one row per checkpoint × matrix) with the sweep's own
 * writers ({@link SweepTable#writeCsv}, {@link SweepParquet}), so the file has the columns
 * {@code rankscope sweep} writes: every metric, plus the update and intruder columns when the
 * result has them. Written on the work executor, atomically, never onto or into a checkpoint of
 * the series ({@link ProtectedInputs}). FX thread only.
 */
public final class SeriesTableExport {
    /** The two table formats. */
    public enum Format { CSV, PARQUET }

    private final BackgroundRunner runner;

    public SeriesTableExport(BackgroundRunner runner) {
        this.runner = runner;
    }

    /** The columns a table of {@code r} has: all metrics, update and intruder columns when any row has them. */
    public static SweepTable table(SweepResult r) {
        boolean updates = r.rows().stream().anyMatch(x -> x.updateBase() != null || x.update() != null);
        boolean intruders = r.rows().stream().anyMatch(x -> x.intruders() != null);
        return new SweepTable(SweepColumns.all(), updates, intruders);
    }

    /**
     * Writes {@code r} as {@code format} to {@code target}; {@code done} gets a one-sentence
     * outcome (written, or why not) on the FX thread.
     */
    public void write(SweepResult r, Format format, Path target, Consumer<String> done) {
        List<Path> inputs = r.series().stream().map(SeriesMember::path).map(Path::of).toList();
        SweepTable table = table(r);
        runner.work(() -> {
                    AtomicFileWriter files = ProtectedInputs.writer(inputs);
                    if (format == Format.CSV) {
                        table.writeCsv(r.rows(), target, files);
                    } else {
                        SweepParquet.write(table, r.rows(), target, files);
                    }
                    return target;
                })
                .about(target)
                .onSuccess(t -> done.accept("Wrote " + r.rows().size() + " rows to " + t + "."))
                .onFailureSentence(done)
                .start();
    }
}
