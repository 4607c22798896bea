package dev.rankscope.views.fx;

import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.service.DialogService;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one FX-side runner for background work (JabRef's {@code BackgroundTask}): a ViewModel
 * snapshots its inputs on the FX thread, submits a computation or a job's {@link JobTask}, and
 * says what happens on success, on cancel and on failure; the runner runs it on the injected
 * executor and calls back on the UI executor — only if the call is still the latest of its
 * {@link Latest} (stale results are dropped). A failure becomes {@link #sentence}, the one
 * user-facing sentence, shown in one dialog unless the call handles it; an unexpected failure is
 * logged once. With {@link WorkbenchExecutors#sameThread()} everything runs on the calling thread.
 *
 * <p>FX thread only (the callbacks run there).
 */
public final class BackgroundRunner {
    private static final System.Logger LOG = System.getLogger(BackgroundRunner.class.getName());

    private final WorkbenchExecutors executors;
    private final DialogService dialogs;

    public BackgroundRunner(WorkbenchExecutors executors, DialogService dialogs) {
        this.executors = Objects.requireNonNull(executors);
        this.dialogs = Objects.requireNonNull(dialogs);
    }

    /**
     * The one sentence a failure shows the user: a domain error's own message, or
     * {@code "<file>: unexpected error (<type>: <message>)"} for anything else.
     *
     * @param subject the file (or thing) the work was about, named when the error does not name it
     */
    public static String sentence(Throwable failure, String subject) {
        if (failure instanceof RankscopeException re) {
            return re.userMessage();
        }
        if (failure == null) {
            return subject + ": unknown error";
        }
        return subject + ": unexpected error (" + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + failure.getMessage()) + ")";
    }

    /** {@link #sentence(Throwable, String)} naming {@code file} by its file name. */
    public static String sentence(Throwable failure, Path file) {
        return sentence(failure, fileName(file));
    }

    /** File name for messages ({@code "?"} for null). */
    public static String fileName(Path p) {
        if (p == null) {
            return "?";
        }
        Path f = p.getFileName();
        return f == null ? p.toString() : f.toString();
    }

    /**
     * A generation counter: a call bound to it applies its outcome only if no later call was bound
     * to it meanwhile (or it was {@link #invalidate}d).
     */
    public static final class Latest {
        private final AtomicLong generation = new AtomicLong();

        long next() {
            return generation.incrementAndGet();
        }

        boolean is(long g) {
            return generation.get() == g;
        }

        /** Drops every pending outcome. */
        public void invalidate() {
            generation.incrementAndGet();
        }
    }

    /** Shows one error dialog (for checks made before any work is submitted). */
    public void showError(String title, String sentence) {
        dialogs.showError(title, sentence);
    }

    /** A computation on the work executor (short: opening a header, writing a file). */
    public <T> Call<T> work(Supplier<T> compute) {
        return new Call<>(compute, null, null);
    }

    /** A job task on the task executor (long, cancellable, shown in the task panel by the caller). */
    public <T> Call<T> task(JobTask<T> task) {
        return new Call<>(null, task, task::result);
    }

    /**
     * A task whose results stream out through its own listener (the intruder analysis) on the task
     * executor; {@link Call#onSuccess} is called with null when it finishes.
     */
    public Call<Void> streaming(AbstractTask task) {
        return new Call<>(null, task, () -> null);
    }

    /** One submission; configure, then {@link #start()}. */
    public final class Call<T> {
        private final Supplier<T> compute;
        private final AbstractTask task;
        private final Supplier<T> taskResult;
        private Consumer<T> onSuccess = r -> { };
        private Runnable onCancel = () -> { };
        private Consumer<String> onFailure;
        private String failureTitle;
        private String subject = "?";
        private Latest latest;
        private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

        private Call(Supplier<T> compute, AbstractTask task, Supplier<T> taskResult) {
            this.compute = compute;
            this.task = task;
            this.taskResult = taskResult;
        }

        /** Called with the result on the UI executor. */
        public Call<T> onSuccess(Consumer<T> action) {
            this.onSuccess = Objects.requireNonNull(action);
            return this;
        }

        /** Called on the UI executor when the task was cancelled. */
        public Call<T> onCancel(Runnable action) {
            this.onCancel = Objects.requireNonNull(action);
            return this;
        }

        /** A failure's {@link #sentence} names {@code subject}; no dialog unless {@link #onFailure} asks. */
        public Call<T> about(Path subject) {
            this.subject = fileName(subject);
            return this;
        }

        /** A failure's {@link #sentence} names {@code subject}; no dialog unless {@link #onFailure} asks. */
        public Call<T> about(String subject) {
            this.subject = subject;
            return this;
        }

        /** A failure shows a dialog titled {@code title} with {@link #sentence} about {@code subject}. */
        public Call<T> onFailure(String title, Path subject) {
            return onFailure(title, fileName(subject));
        }

        /** A failure shows a dialog titled {@code title} with {@link #sentence} about {@code subject}. */
        public Call<T> onFailure(String title, String subject) {
            this.failureTitle = title;
            this.subject = subject;
            return this;
        }

        /** A failure also calls {@code action} with the sentence (after the dialog, when one is asked for). */
        public Call<T> onFailureSentence(Consumer<String> action) {
            this.onFailure = action;
            return this;
        }

        /** Applies the outcome only while this is the latest call bound to {@code generation}. */
        public Call<T> latestOf(Latest generation) {
            this.latest = generation;
            return this;
        }

        /** Submits the call. */
        public void start() {
            long g = latest == null ? 0 : latest.next();
            if (task != null) {
                task.addListener(p -> {
                    if (p.status().isTerminal()) {
                        executors.ui().execute(() -> ended(g, task.status(), taskResult.get(), task.failure()));
                    }
                });
                executors.tasks().execute(task);
                return;
            }
            executors.work().execute(() -> {
                if (latest != null && !latest.is(g)) {
                    return; // superseded before it started
                }
                T result;
                try {
                    result = compute.get();
                } catch (RuntimeException e) {
                    executors.ui().execute(() -> ended(g, AbstractTask.Status.ERROR, null, e));
                    return;
                }
                executors.ui().execute(() -> ended(g, AbstractTask.Status.FINISHED, result, null));
            });
        }

        private void ended(long g, AbstractTask.Status status, T result, Throwable failure) {
            if ((latest != null && !latest.is(g)) || !done.compareAndSet(false, true)) {
                return; // superseded, or already ended (a cancelled task signals its end twice)
            }
            switch (status) {
                case FINISHED -> onSuccess.accept(result);
                case CANCELLED -> onCancel.run();
                default -> {
                    if (!(failure instanceof RankscopeException)) {
                        LOG.log(System.Logger.Level.ERROR, "background work on " + subject + " failed", failure);
                    }
                    String text = sentence(failure, subject);
                    if (failureTitle != null) {
                        dialogs.showError(failureTitle, text);
                    }
                    if (onFailure != null) {
                        onFailure.accept(text);
                    }
                }
            }
        }
    }
}
