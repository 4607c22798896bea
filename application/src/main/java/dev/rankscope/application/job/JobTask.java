package dev.rankscope.application.job;

import dev.rankscope.engine.task.AbstractTask;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The typed background task of one job run (JabRef's {@code BackgroundTask<V>}, MZmine's
 * {@code AbstractTask}): progress 0..1 with a message, cooperative cancel (checked between units
 * of work, never by interrupting a native call), terminal states that cannot be overwritten
 * ({@link AbstractTask}), and an immutable result of type {@code R} once {@link Status#FINISHED}.
 * <p>
 * Notes are one-line remarks a front end shows beside the result ("12 spectra from the cache",
 * "whitening used damping 1e-6"): the CLI prints them on stderr, the workbench in its status line.
 * Listeners are called on the worker thread; UI code marshals itself.
 *
 * @param <R> the result, an immutable record
 */
public abstract class JobTask<R> extends AbstractTask {
    private volatile R result;
    private final List<String> notes = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> noteListeners = new CopyOnWriteArrayList<>();
    private volatile AbstractTask step;

    protected JobTask(String title) {
        super(title);
    }

    /**
     * The job itself, on the worker thread. Calls {@link #checkCancelled()} between units of work
     * and {@link #progress(double, String)} as it goes; throws the domain exceptions whose message
     * is the one user-facing sentence.
     */
    protected abstract R compute();

    @Override
    protected final void work() {
        result = compute();
    }

    /** The result once {@link #status()} is FINISHED, else null. */
    public R result() {
        return status() == Status.FINISHED ? result : null;
    }

    /**
     * Runs this task on the calling thread (CLI, batch, Spark executor, another job) and returns
     * its result; rethrows its failure as thrown, and throws {@link CancelledException} when it
     * was cancelled.
     */
    public R runHere() {
        run();
        if (status() == Status.CANCELLED) {
            throw new CancelledException();
        }
        rethrowFailure();
        return result;
    }

    /** Requests cancellation of this task and of the step it is running ({@link #runStep}). */
    @Override
    public void cancel() {
        super.cancel();
        AbstractTask s = step;
        if (s != null) {
            s.cancel();
        }
    }

    /**
     * Runs {@code sub} on this thread as one step of this task: its progress becomes this task's,
     * its notes (when it is a job task) this task's notes, and Cancel reaches it. Returns when it
     * finished; throws {@link CancelledException} when it was cancelled and rethrows its failure.
     */
    protected void runStep(AbstractTask sub) {
        runStep(sub, 0, 1, null);
    }

    /**
     * {@link #runStep(JobTask)} as the part {@code [from, to]} of this task: the step's progress
     * 0..1 becomes this task's {@code from..to}, its messages are prefixed by {@code label + ": "}.
     */
    protected <T> T runStep(JobTask<T> sub, double from, double to, String label) {
        runStep((AbstractTask) sub, from, to, label);
        return sub.result;
    }

    private void runStep(AbstractTask sub, double from, double to, String label) {
        sub.addListener(p -> {
            if (!p.status().isTerminal()) {
                progress(from + (to - from) * p.fraction(), label == null ? p.message() : label + ": " + p.message());
            }
        });
        if (sub instanceof JobTask<?> job) {
            job.addNoteListener(this::note);
        }
        step = sub;
        try {
            if (isCancelled()) {
                sub.cancel();
            }
            sub.run();
            checkCancelled();
            rethrowOutcome(sub);
        } finally {
            step = null;
        }
    }

    /** {@link #runStep(AbstractTask)} for a job task; its result. */
    protected <T> T runStep(JobTask<T> sub) {
        runStep((AbstractTask) sub);
        return sub.result;
    }

    /** Remarks made so far, in order. */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /** Called with each note as it is made (worker thread). */
    public void addNoteListener(Consumer<String> listener) {
        noteListeners.add(listener);
    }

    /** Records a one-line remark for the front end. */
    protected void note(String text) {
        notes.add(text);
        for (Consumer<String> l : noteListeners) {
            l.accept(text);
        }
    }

    /** Publishes progress (exposed for sub-steps that report through a callback). */
    @Override
    public void progress(double fraction, String message) {
        super.progress(fraction, message);
    }

    /** Throws {@link CancelledException} when cancel was requested (exposed for sub-steps). */
    @Override
    public void checkCancelled() {
        super.checkCancelled();
    }
}
