package dev.rankscope.app.cli;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.sweep.SweepColumns;
import dev.rankscope.application.sweep.SweepJob;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.application.job.JobTask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rankscope sweep CKPT… | --list FILE --out DIR}: many checkpoints as one series (issue 17,
 * SPEC §10), run locally by {@link SweepJob}. Writes {@code DIR/sweep.csv} and {@code DIR/sweep.parquet}
 * (one row per checkpoint × matrix), {@code DIR/checkpoints/NNN-label.json} (the {@code rankscope-analysis}
 * JSON of each checkpoint) and {@code DIR/series.json} (order, notes, unmatched matrices, failures,
 * parameters). Progress and notes go to stderr; each failure is named once on stderr.
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Analyse many checkpoints as a series (training steps, a model family): a long table of "
                + "every metric per checkpoint × matrix, update spectra between checkpoints, intruders vs the first.",
                "Checkpoints are ordered by the step in their names (step…, checkpoint-…, global_step…, epoch…, "
                        + "else the last number), or as a --list file gives them."},
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {RankscopeCli.EXIT_0,
                "1:finished, but some checkpoints, matrices or updates failed: each is named once on stderr, "
                        + "the outputs hold the rest (also: an internal error)",
                RankscopeCli.EXIT_2})
public final class SweepCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CKPT", arity = "0..*", description = "Checkpoint files or folders.")
    List<String> checkpoints = List.of();

    @Option(names = "--list", paramLabel = "FILE",
            description = "A file naming one checkpoint per line, in series order (relative to the file; # comments).")
    Path list;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created).")
    Path out;

    @Option(names = "--metrics", paramLabel = "NAME", split = ",",
            description = "Metric columns of the table (default: all). Known: ${COMPLETION-CANDIDATES}.",
            completionCandidates = MetricNames.class)
    List<String> metrics = List.of();

    @Option(names = "--updates", paramLabel = "VS", arity = "0..1", fallbackValue = "consecutive",
            description = "Update spectra ΔW = W_b − W_a: against the previous checkpoint (consecutive, the default "
                    + "when the option is given without a value) or against the first (first).")
    String updates;

    @Option(names = "--intruders-vs-first", description = "Count intruder dimensions of each checkpoint against the first (SPEC §3).")
    boolean intruders;

    @Option(names = "--k", paramLabel = "K", defaultValue = "10", description = "Intruders: top-k tuned vectors checked. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(names = "--epsilon", paramLabel = "EPS", defaultValue = "0.5", description = "Intruders: cosine threshold ε. Default: ${DEFAULT-VALUE}.")
    double epsilon;

    @picocli.CommandLine.Mixin
    AnalysisOptions options = new AnalysisOptions();

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Metric names for {@code --help}. */
    static final class MetricNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return SweepColumns.names().iterator();
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        SweepParameters params;
        try {
            params = new SweepParameters(checkpoints,
                    list == null ? null : list.toString(), out.toString(), metrics, SweepParameters.Updates.parse(updates), intruders,
                    new IntruderParameters(k, epsilon), options.preference(), options.threads(), !options.noCache);
            params.order();
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
        JobTask<SweepResult> task = new SweepJob(options.job()).task(params);
        if (!options.quiet) {
            task.addNoteListener(n -> err.println("rankscope: " + n));
            task.addListener(new ProgressLines(err));
        }
        long t0 = System.nanoTime();
        SweepResult result = task.runHere();
        for (String f : result.failures()) {
            err.println("rankscope: failed: " + f);
        }
        if (!options.quiet) {
            for (String u : result.unmatched()) {
                err.println("rankscope: not compared: " + u);
            }
            err.printf(Locale.ROOT, "rankscope: %d checkpoints, %d rows (%d spectra computed, %d from the cache) in %.1f s; wrote %s%n",
                    result.series().size(), result.rows().size(), result.spectraComputed(), result.spectraFromCache(),
                    (System.nanoTime() - t0) / 1e9, out);
        }
        if (!result.anyAnalysed()) {
            err.println("rankscope: no matrix of any checkpoint could be analysed");
            return RankscopeCli.EXIT_BAD_INPUT;
        }
        return result.failures().isEmpty() ? 0 : RankscopeCli.EXIT_FAILED_MATRICES;
    }

    /** One progress line per checkpoint (the message changes), not per matrix. */
    private static final class ProgressLines implements java.util.function.Consumer<dev.rankscope.engine.task.AbstractTask.Progress> {
        private final PrintWriter err;
        private String last = "";

        ProgressLines(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void accept(dev.rankscope.engine.task.AbstractTask.Progress p) {
            String m = p.message() == null ? "" : p.message();
            int colon = m.indexOf(": ");
            String head = colon < 0 ? m : m.substring(0, colon);
            if (p.status() == dev.rankscope.engine.task.AbstractTask.Status.RUNNING && !head.isEmpty() && !head.equals(last)) {
                last = head;
                err.println("rankscope: " + head);
            }
        }
    }
}
