package dev.rankscope.views.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link WorkbenchSelection} for feature-ViewModel tests, with no workbench, no engine and no
 * checkpoint file behind it: {@link #open} lists {@link FakeWorkbenchServices}' synthetic
 * Llama-like model, the test puts the analyses it wants ({@link #analyse}) and selects matrices
 * ({@link #select}); work runs on the given executors (same-thread in tests), tracked tasks are
 * recorded. FX thread only, like the real one.
 */
public final class FakeWorkbenchSelection implements WorkbenchSelection {
    private final ObservableList<CheckpointModel> checkpoints = FXCollections.observableArrayList();
    private final ObservableMap<MatrixEntry, MatrixAnalysis> analyses = FXCollections.observableHashMap();
    private final ReadOnlyObjectWrapper<MatrixEntry> current = new ReadOnlyObjectWrapper<>();
    private final FakeWorkbenchServices services = new FakeWorkbenchServices();
    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    /** Every task handed to {@link #track}, in order. */
    public final List<AbstractTask> tracked = new ArrayList<>();

    public FakeWorkbenchSelection(DialogService dialogs, WorkbenchExecutors executors) {
        this.dialogs = dialogs;
        this.executors = executors;
    }

    /** "Opens" {@code path} as the synthetic model at once (nothing is read) and returns it. */
    public CheckpointModel openNow(Path path) {
        CheckpointModel model = new CheckpointModel(services.open(path));
        checkpoints.add(model);
        return model;
    }

    /** Puts {@code analysis} as {@code entry}'s, as a finished exact pass would. */
    public void analyse(MatrixEntry entry, MatrixAnalysis analysis) {
        analyses.put(entry, analysis);
    }

    /** Selects {@code entry}, as a click in the explorer would. */
    public void select(MatrixEntry entry) {
        current.set(entry);
    }

    /** Closes {@code model}: it leaves the list with its analyses. */
    public void close(CheckpointModel model) {
        model.matrices().forEach(analyses::remove);
        checkpoints.remove(model);
    }

    @Override
    public ObservableList<CheckpointModel> checkpoints() {
        return checkpoints;
    }

    @Override
    public ReadOnlyObjectProperty<MatrixEntry> currentProperty() {
        return current.getReadOnlyProperty();
    }

    @Override
    public Optional<CheckpointModel> checkpointOf(MatrixEntry entry) {
        return entry == null ? Optional.empty()
                : checkpoints.stream().filter(c -> c.matrices().contains(entry)).findFirst();
    }

    @Override
    public ObservableMap<MatrixEntry, MatrixAnalysis> analyses() {
        return analyses;
    }

    @Override
    public void open(Path path) {
        openNow(path);
    }

    @Override
    public TaskItemViewModel track(AbstractTask task) {
        tracked.add(task);
        return new TaskItemViewModel(task, executors.ui());
    }

    @Override
    public List<Path> inputs() {
        return checkpoints.stream().map(c -> c.opened().path()).toList();
    }

    @Override
    public PictureExporter pictureExporter() {
        return new PictureExporter(dialogs, executors, this::inputs);
    }

    @Override
    public BackgroundRunner runner() {
        return new BackgroundRunner(executors, dialogs);
    }

    @Override
    public WorkbenchExecutors executors() {
        return executors;
    }

    @Override
    public DialogService dialogs() {
        return dialogs;
    }
}
