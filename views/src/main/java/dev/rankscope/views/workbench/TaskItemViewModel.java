package dev.rankscope.views.workbench;

import dev.rankscope.engine.task.AbstractTask;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One row of the task panel: an {@link AbstractTask}'s title, progress (0..1), message and
 * status mirrored into FX properties. The task's listener fires on worker threads; updates are
 * coalesced and applied on the UI executor. Properties: FX thread only.
 */
public final class TaskItemViewModel {
    private final AbstractTask task;
    private final Executor ui;
    private final DoubleProperty progress = new SimpleDoubleProperty(0);
    private final StringProperty message = new SimpleStringProperty("waiting");
    private final ObjectProperty<AbstractTask.Status> status = new SimpleObjectProperty<>(AbstractTask.Status.WAITING);
    private final AtomicBoolean pending = new AtomicBoolean();

    TaskItemViewModel(AbstractTask task, Executor ui) {
        this.task = task;
        this.ui = ui;
        task.addListener(p -> {
            if (pending.compareAndSet(false, true)) {
                ui.execute(this::pull);
            }
        });
    }

    private void pull() {
        pending.set(false);
        progress.set(task.fraction());
        message.set(task.message());
        status.set(task.status());
    }

    public String title() {
        return task.title();
    }

    /** Fraction done, 0..1. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress;
    }

    public ReadOnlyStringProperty messageProperty() {
        return message;
    }

    public ReadOnlyObjectProperty<AbstractTask.Status> statusProperty() {
        return status;
    }

    /** Requests cooperative cancellation; the task stops after the matrix it is computing. */
    public void cancel() {
        task.cancel();
    }

    AbstractTask task() {
        return task;
    }
}
