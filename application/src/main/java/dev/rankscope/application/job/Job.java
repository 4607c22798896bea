package dev.rankscope.application.job;

/**
 * One use case, written once and run by every front end (MZmine's {@code runModule(parameters)}):
 * the CLI parses its options into {@code P}, the workbench snapshots its state into {@code P},
 * a batch or Spark run reads {@code P} from JSON; each then runs {@link #task(JobParameters)} and
 * prints, binds or stores the {@code R} it yields. Listing, caching, memory budget, failure
 * collection and output protection happen inside the task, once.
 *
 * @param <P> validated parameters (a record; JSON round-trip through {@link JobJson})
 * @param <R> the immutable result
 */
public interface Job<P extends JobParameters, R> {

    /** The job's name as the CLI and provenance spell it ("analyze", "calibrate", …). */
    String name();

    /** A fresh task for one run with {@code parameters}; nothing runs until the task does. */
    JobTask<R> task(P parameters);
}
