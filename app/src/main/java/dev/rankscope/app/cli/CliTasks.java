package dev.rankscope.app.cli;

import dev.rankscope.engine.task.AbstractTask;

/** Runs engine/analysis tasks on the CLI's thread and hands a task's failure to the CLI's error boundary ({@link CliErrors}). */
final class CliTasks {
    private CliTasks() {
    }

    /**
     * Runs {@code task} to its end on the calling thread. A failed task's failure is rethrown as
     * it is (a domain exception becomes one stderr line and exit 2; an {@link Error} such as
     * {@link OutOfMemoryError} reaches {@link RankscopeCli#execute}). Per-matrix failures are not
     * task failures: tasks report them to their listeners and go on.
     */
    static void run(AbstractTask task) {
        task.run();
        if (task.status() == AbstractTask.Status.ERROR) {
            Throwable f = task.failure();
            if (f instanceof RuntimeException re) {
                throw re;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
        }
    }
}
