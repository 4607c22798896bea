package dev.rankscope.app.cli;

import dev.rankscope.application.job.JobTask;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Runs a model job (calibrate, evaluate, sweep) for the CLI: progress on stderr every tenth
 * (unless quiet), notes as {@code rankscope: note: …}, and the job's failure rethrown for
 * {@link CliErrors} (one line, exit 2). Invalid parameters become a bad option.
 */
final class ModelJobs {
    private ModelJobs() {
    }

    static <R> R run(JobTask<R> task, PrintWriter err, boolean quiet) {
        int[] last = {-1};
        task.addListener(p -> {
            int tenth = (int) Math.floor(p.fraction() * 10);
            if (!quiet && tenth > last[0] && p.message() != null && !p.message().isEmpty()) {
                last[0] = tenth;
                err.printf(Locale.ROOT, "rankscope: %3d%% %s%n", (int) Math.round(p.fraction() * 100), p.message());
            }
        });
        task.addNoteListener(n -> err.println("rankscope: note: " + n));
        return task.runHere();
    }

    /** A parameters record's validation message as a bad option. */
    static RuntimeException badOption(IllegalArgumentException e) {
        return new CliOptions.BadOptionException(e.getMessage());
    }
}
