package dev.rankscope.app.cli;

import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.task.AbstractTask;

import java.io.PrintWriter;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs a job's task on the CLI's thread: its notes become {@code "rankscope: <note>"} lines on
 * stderr (unless {@code --quiet}, when only notes {@code loud} accepts are printed), its progress
 * a line at most every two seconds and once at the end; a failure is rethrown for the CLI's error
 * boundary ({@link CliErrors}).
 */
final class CliJobs {
    private CliJobs() {
    }

    static <R> R run(JobTask<R> task, PrintWriter err, boolean quiet, Predicate<String> loud) {
        task.addNoteListener(note -> {
            if (!quiet || loud.test(note)) {
                err.println("rankscope: " + note);
            }
        });
        if (!quiet) {
            task.addListener(new ProgressPrinter(err));
        }
        return task.runHere();
    }

    static <R> R run(JobTask<R> task, PrintWriter err, boolean quiet) {
        return run(task, err, quiet, note -> false);
    }

    /**
     * Prints progress at most every two seconds, and once when the run ends (the task signals
     * 100 % for the last matrix).
     */
    private static final class ProgressPrinter implements Consumer<AbstractTask.Progress> {
        private static final long INTERVAL_NANOS = 2_000_000_000L;
        private final PrintWriter err;
        private long lastPrint = System.nanoTime();
        private boolean printedLast;

        ProgressPrinter(PrintWriter err) {
            this.err = err;
        }

        @Override
        public synchronized void accept(AbstractTask.Progress p) {
            long now = System.nanoTime();
            boolean last = p.fraction() >= 1.0;
            if (p.status() == AbstractTask.Status.RUNNING && !printedLast && p.message() != null
                    && (last || now - lastPrint >= INTERVAL_NANOS)) {
                lastPrint = now;
                printedLast = last;
                err.printf("rankscope: %3.0f%% (%s)%n", p.fraction() * 100, p.message());
            }
        }
    }
}
