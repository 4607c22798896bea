package dev.rankscope.engine.task;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A unit of long work that reports progress and cancels cooperatively (after MZmine's
 * AbstractTask). Subclasses implement {@link #work()} and call {@link #checkCancelled()} between
 * matrices — never interrupting a native call. Terminal states (FINISHED, CANCELLED, ERROR)
 * cannot be overwritten. Listeners are called on the worker thread; UI code marshals itself.
 */
public abstract class AbstractTask implements Runnable {

    public enum Status { WAITING, RUNNING, FINISHED, CANCELLED, ERROR;
        public boolean isTerminal() {
            return this == FINISHED || this == CANCELLED || this == ERROR;
        }
    }

    /** Snapshot of progress for listeners. */
    public record Progress(Status status, double fraction, String message) { }

    /** Thrown by {@link #checkCancelled()} to unwind a cancelled task. */
    public static final class CancelledException extends RuntimeException {
        public CancelledException() {
            super("cancelled", null, false, false);
        }
    }

    /**
     * Tasks running now in this process. Process-wide on purpose: an interrupt (SIGINT/SIGTERM)
     * ends the whole process, and its handler cancels whatever runs ({@link #cancelAllRunning()}).
     */
    private static final Set<AbstractTask> RUNNING = ConcurrentHashMap.newKeySet();

    private final String title;
    private final AtomicReference<Status> status = new AtomicReference<>(Status.WAITING);
    private final List<Consumer<Progress>> listeners = new CopyOnWriteArrayList<>();
    private volatile double fraction;
    private volatile String message = "";
    private volatile Throwable failure;

    protected AbstractTask(String title) {
        this.title = title;
    }

    public String title() {
        return title;
    }

    public Status status() {
        return status.get();
    }

    public double fraction() {
        return fraction;
    }

    public String message() {
        return message;
    }

    /** The error that ended the task, or null. */
    public Throwable failure() {
        return failure;
    }

    /**
     * Rethrows the failure that ended this task in {@link Status#ERROR}, as it was thrown (a
     * {@link RuntimeException} or an {@link Error}); does nothing in any other state. For callers
     * that run a task on their own thread and leave its failure to their own error boundary.
     */
    public void rethrowFailure() {
        Throwable f = failure;
        if (status.get() != Status.ERROR || f == null) {
            return;
        }
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(f);
    }

    public void addListener(Consumer<Progress> listener) {
        listeners.add(listener);
    }

    /** Requests cancellation; the task stops at its next {@link #checkCancelled()}. */
    public void cancel() {
        if (status.compareAndSet(Status.WAITING, Status.CANCELLED)
                || status.compareAndSet(Status.RUNNING, Status.CANCELLED)) {
            fire();
        }
    }

    public boolean isCancelled() {
        return status.get() == Status.CANCELLED;
    }

    /**
     * Cancels every task running in this process (the interrupt path: the process is about to
     * end). Returns how many were asked to stop.
     */
    public static int cancelAllRunning() {
        int n = 0;
        for (AbstractTask t : RUNNING) {
            t.cancel();
            n++;
        }
        return n;
    }

    @Override
    public final void run() {
        if (!status.compareAndSet(Status.WAITING, Status.RUNNING)) {
            return;
        }
        RUNNING.add(this);
        try {
            runRegistered();
        } finally {
            RUNNING.remove(this);
        }
    }

    private void runRegistered() {
        fire();
        try {
            work();
            if (status.compareAndSet(Status.RUNNING, Status.FINISHED)) {
                fraction = 1.0;
            }
        } catch (CancelledException e) {
            status.set(Status.CANCELLED);
        } catch (RuntimeException | Error e) {
            failure = e;
            if (!status.compareAndSet(Status.RUNNING, Status.ERROR)) {
                // already cancelled: keep CANCELLED, the failure is still recorded
                failure = e;
            }
        }
        fire();
    }

    /** The work itself. Throw {@link CancelledException} (via {@link #checkCancelled()}) to stop. */
    protected abstract void work();

    protected void checkCancelled() {
        if (isCancelled()) {
            throw new CancelledException();
        }
    }

    /**
     * Ends the calling task's {@link #work()} the way {@code sub}, a task it ran on the same
     * thread, ended: throws {@link CancelledException} when {@code sub} was cancelled, rethrows
     * its {@link #failure()} when it failed ({@link RuntimeException} and {@link Error} as they
     * are, anything else wrapped in an {@link IllegalStateException}), and returns otherwise.
     */
    protected static void rethrowOutcome(AbstractTask sub) {
        switch (sub.status()) {
            case CANCELLED -> throw new CancelledException();
            case ERROR -> sub.rethrowFailure();
            default -> {
                // FINISHED (or not run): nothing to pass on
            }
        }
    }

    protected void progress(double fraction, String message) {
        this.fraction = Math.max(0, Math.min(1, fraction));
        this.message = message;
        fire();
    }

    private void fire() {
        Progress p = new Progress(status.get(), fraction, message);
        for (Consumer<Progress> l : listeners) {
            l.accept(p);
        }
    }
}
