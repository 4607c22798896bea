package dev.rankscope.views.fx;

import dev.rankscope.application.job.JobTask;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;

import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * One job at a time of a panel (Subspaces, Series, the Budget's model loop, the Quantize tab's
 * evaluation), submitted through the {@link BackgroundRunner}: {@link #runningProperty()} and
 * {@link #progressProperty()} follow the current task, its progress messages and notes reach the
 * panel's status line, and its outcome (result, cancel, the one failure sentence) is applied only
 * while it is still the current one — a task {@link #abandon}ed or replaced by a newer one is
 * forgotten. When a task ends, running is false and progress back at 0 before its callback runs.
 *
 * <p>FX thread only; the task's listeners marshal through the UI executor.
 */
public final class JobRun {
    private final BackgroundRunner runner;
    private final Executor ui;
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper();
    private JobTask<?> current;

    /**
     * @param runner the workbench's runner (task executor, dialogs)
     * @param ui     the FX thread (same-thread in tests), for progress and notes
     */
    public JobRun(BackgroundRunner runner, Executor ui) {
        this.runner = Objects.requireNonNull(runner);
        this.ui = Objects.requireNonNull(ui);
    }

    /** A submission of {@code task}; configure, then {@link Submission#start()}. */
    public <T> Submission<T> of(JobTask<T> task) {
        return new Submission<>(task);
    }

    /** Whether a task is running. */
    public boolean isRunning() {
        return running.get();
    }

    /** Whether {@code task} is the current one (its outcome is still wanted). */
    public boolean isCurrent(JobTask<?> task) {
        return current == task;
    }

    /** Asks the current task to stop at its next check; its cancel outcome arrives as usual. */
    public void cancel() {
        if (current != null) {
            current.cancel();
        }
    }

    /**
     * Cancels the current task and forgets it at once: none of its outcomes arrives.
     *
     * @return whether a task was running
     */
    public boolean abandon() {
        JobTask<?> task = current;
        if (task == null) {
            return false;
        }
        task.cancel();
        ended(task);
        return true;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** 0..1 of the current task; 0 when none runs. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    private boolean ended(JobTask<?> task) {
        if (current != task) {
            return false;
        }
        current = null;
        running.set(false);
        progress.set(0);
        return true;
    }

    /** One submission: what the panel does with the task's messages and outcome. */
    public final class Submission<T> {
        private final JobTask<T> task;
        private String subject = "?";
        private Consumer<String> onMessage = m -> { };
        private Consumer<String> onNote = n -> { };
        private Consumer<T> onSuccess = r -> { };
        private Runnable onCancel = () -> { };
        private Consumer<String> onFailure = s -> { };

        private Submission(JobTask<T> task) {
            this.task = Objects.requireNonNull(task);
        }

        /** A failure's sentence names {@code file} when the error does not name it. */
        public Submission<T> about(Path file) {
            this.subject = BackgroundRunner.fileName(file);
            return this;
        }

        /** A failure's sentence names {@code thing} when the error does not name it. */
        public Submission<T> about(String thing) {
            this.subject = thing;
            return this;
        }

        /** Called with each progress message (never null) while the task runs. */
        public Submission<T> onMessage(Consumer<String> action) {
            this.onMessage = Objects.requireNonNull(action);
            return this;
        }

        /** Called with each note the task makes while it runs. */
        public Submission<T> onNote(Consumer<String> action) {
            this.onNote = Objects.requireNonNull(action);
            return this;
        }

        public Submission<T> onSuccess(Consumer<T> action) {
            this.onSuccess = Objects.requireNonNull(action);
            return this;
        }

        public Submission<T> onCancel(Runnable action) {
            this.onCancel = Objects.requireNonNull(action);
            return this;
        }

        /** Called with the one user-facing sentence ({@link BackgroundRunner#sentence}). */
        public Submission<T> onFailure(Consumer<String> action) {
            this.onFailure = Objects.requireNonNull(action);
            return this;
        }

        /** Makes the task the current one (a previous one is forgotten, not cancelled) and submits it. */
        public void start() {
            current = task;
            running.set(true);
            progress.set(0);
            task.addListener(p -> ui.execute(() -> {
                if (current == task && !p.status().isTerminal()) {
                    progress.set(p.fraction());
                    if (p.message() != null) {
                        onMessage.accept(p.message());
                    }
                }
            }));
            task.addNoteListener(n -> ui.execute(() -> {
                if (current == task) {
                    onNote.accept(n);
                }
            }));
            runner.task(task).about(subject)
                    .onSuccess(r -> {
                        if (ended(task)) {
                            onSuccess.accept(r);
                        }
                    })
                    .onCancel(() -> {
                        if (ended(task)) {
                            onCancel.run();
                        }
                    })
                    .onFailureSentence(s -> {
                        if (ended(task)) {
                            onFailure.accept(s);
                        }
                    })
                    .start();
        }
    }
}
