package dev.rankscope.views.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.hub.HuggingFaceCache;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.model.Metric;
import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.CacheControl;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.MatrixViews;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.service.SettingsStore;
import dev.rankscope.views.service.Theme;
import dev.rankscope.application.workbench.WorkbenchServices;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The workbench's shared state: open checkpoints, the analyses streamed in so far, the matrix
 * selection every view follows, running tasks, the chosen metric, theme and recent files.
 * Feature ViewModels (explorer, spectrum, layer map, table, details) read from here; none of
 * them talks to another directly.
 *
 * <p>Threading: every public method and property is FX-thread only. Opening a checkpoint reads
 * its header on the work executor and shows the tree as soon as the header is parsed; the
 * analysis then runs on the task executor and results are applied in batches on the UI
 * executor. Errors become one dialog naming the file; other checkpoints are untouched.
 *
 * <p>Opening is {@link CheckpointOpening}'s, the persisted choices are {@link WorkbenchPreferences}',
 * the quick and exact analysis passes {@link AnalysisPasses}' (an approximate result never
 * replaces an exact one; {@link #matricesDoneProperty()} and
 * {@link CheckpointModel#analysedProperty()} count exact results only).
 *
 * <p>The unmodifiable views of the lists and the map are held once: JavaFX wrappers register weak
 * listeners, so a per-call wrapper would drop its listeners on GC.
 */
public final class WorkbenchViewModel implements WorkbenchSelection {

    private final WorkbenchServices services;
    private final DialogService dialogs;
    private final SettingsStore settings;
    private final WorkbenchExecutors executors;
    private final BackgroundRunner runner;
    private final AnalysisPasses passes;

    private final ObservableList<CheckpointModel> checkpoints = FXCollections.observableArrayList();
    private final ObservableList<CheckpointModel> checkpointsReadOnly = FXCollections.unmodifiableObservableList(checkpoints);
    private final ObservableMap<MatrixEntry, MatrixAnalysis> analyses = FXCollections.observableHashMap();
    private final ObservableMap<MatrixEntry, MatrixAnalysis> analysesReadOnly = FXCollections.unmodifiableObservableMap(analyses);
    private final ObservableList<MatrixEntry> selection = FXCollections.observableArrayList();
    private final ObservableList<MatrixEntry> selectionReadOnly = FXCollections.unmodifiableObservableList(selection);
    private final ReadOnlyObjectWrapper<MatrixEntry> current = new ReadOnlyObjectWrapper<>();
    private final ObservableList<TaskItemViewModel> tasks = FXCollections.observableArrayList();
    private final ObservableList<TaskItemViewModel> tasksReadOnly = FXCollections.unmodifiableObservableList(tasks);
    private final ObjectProperty<Metric> metric = new SimpleObjectProperty<>(Metric.ERANK_RATIO);
    private final ObjectProperty<MatrixViews> matrixViews = new SimpleObjectProperty<>(MatrixViews.DEFAULT);
    private boolean shutDown;
    private final StringProperty statusMessage = new SimpleStringProperty("Ready");
    private final StringProperty engineDescription = new SimpleStringProperty("engine: starting…");
    private final IntegerProperty matricesTotal = new SimpleIntegerProperty();
    private final IntegerProperty matricesDone = new SimpleIntegerProperty();
    private final CheckpointOpening opening;
    private final WorkbenchPreferences preferences;

    public WorkbenchViewModel(WorkbenchServices services, DialogService dialogs, SettingsStore settings,
                              WorkbenchExecutors executors) {
        this.services = Objects.requireNonNull(services);
        this.dialogs = Objects.requireNonNull(dialogs);
        this.settings = Objects.requireNonNull(settings);
        this.executors = Objects.requireNonNull(executors);
        this.runner = new BackgroundRunner(executors, dialogs);
        this.preferences = new WorkbenchPreferences(settings, services);
        this.passes = new AnalysisPasses(services, dialogs, executors, preferences.quickPreview, checkpoints, analyses, tasks,
                matricesDone, statusMessage, () -> shutDown);
        this.opening = new CheckpointOpening(services, dialogs, runner, matrixViews::get, this::checkpoint, this::select,
                statusMessage::set, this::opened);
        matrixViews.addListener((o, a, b) -> reopenAll(Objects.requireNonNull(b)));
        runner.work(() -> services.engineInfo().describe())
                .onSuccess(engineDescription::set)
                .about("the SVD engine")
                .onFailureSentence(text -> engineDescription.set("engine unavailable: " + text))
                .start();
    }

    // ---- opening -------------------------------------------------------------------------

    /**
     * Opens a checkpoint file or folder ({@link CheckpointOpening}): the header is read on the work
     * executor, the checkpoint appears in the explorer as soon as it is parsed and its analysis
     * starts at once. A failure shows one dialog naming the file. Opening a path that is already
     * open selects it instead; an {@code hf:} reference opens its snapshot in the local cache.
     */
    public void open(Path path) {
        opening.open(path);
    }

    /**
     * File ▸ Open from Hugging Face cache: lists the cached model snapshots on the work executor
     * ({@link HuggingFaceCache}, no network), lets the user pick one ({@link DialogService#chooseCachedModel})
     * and opens its snapshot folder. An empty or unreadable cache is one message naming the folder.
     */
    public void openFromHuggingFaceCache() {
        opening.openFromHuggingFaceCache();
    }

    /** Replaces where the Hugging Face cache is looked for (default: the environment's, {@link HuggingFaceCache#fromEnvironment()}). */
    public void setHuggingFaceCache(HuggingFaceCache cache) {
        opening.setHuggingFaceCache(cache);
    }

    /** Opens each path in turn (command line, drag and drop). */
    public void openAll(List<Path> paths) {
        for (Path p : paths) {
            open(p);
        }
    }

    private void opened(Path key, OpenedCheckpoint opened, String again) {
        CheckpointModel model = new CheckpointModel(opened);
        checkpoints.add(model);
        matricesTotal.set(matricesTotal.get() + opened.matrices().size());
        preferences.touchRecent(key);
        statusMessage.set("Opened " + opened.displayName() + ": " + opened.tensors().size() + " tensors, "
                + opened.matrices().size() + " matrices (" + opened.format() + ")"
                + (opened.notes().isEmpty() ? "" : "; " + opened.notes().get(0)));
        Optional<MatrixEntry> previous = again == null ? Optional.empty()
                : opened.matrices().stream().filter(e -> e.id().equals(again)).findFirst();
        if (previous.isPresent()) {
            select(previous.get());
        } else if (current.get() == null && !opened.matrices().isEmpty()) {
            select(opened.matrices().get(0));
        }
        passes.start(model);
    }

    /**
     * View ▸ Per-head views / Pooled conv kernels: closes every open checkpoint and opens it again
     * listed under {@code views} (spectra already computed come back from the cache); the matrix
     * that was selected is selected again when it is still listed.
     */
    private void reopenAll(MatrixViews views) {
        MatrixEntry was = current.get();
        List<CheckpointModel> open = List.copyOf(checkpoints);
        for (CheckpointModel model : open) {
            close(model);
        }
        opening.reopen(open.stream().map(m -> m.opened().path()).toList(), was);
        statusMessage.set("Listing " + describe(views) + "; reopening " + open.size()
                + (open.size() == 1 ? " checkpoint" : " checkpoints"));
    }

    private static String describe(MatrixViews views) {
        return (views.perHead() ? "per-head views" : "no per-head views") + ", conv kernels "
                + (views.conv() == dev.rankscope.analysis.layout.ConvMode.POOLED ? "pooled (WeightWatcher)" : "reshaped");
    }

    /**
     * Which views of the matrices are listed (per-head blocks, pooled conv kernels; SPEC §7), as
     * {@code analyze --per-head --conv} lists them. Setting it reopens the open checkpoints. FX thread only.
     */
    public ObjectProperty<MatrixViews> matrixViewsProperty() {
        return matrixViews;
    }

    /**
     * Completes, on the UI executor, once no analysis pass (quick or exact) of {@code model} runs any
     * more and every result it streamed has been applied to {@link #analyses()}: at once when none
     * runs. For feature ViewModels that need the session's spectra and must not compute them a second
     * time while the workbench is computing them (report export). FX thread only.
     */
    public CompletableFuture<Void> analysisSettled(CheckpointModel model) {
        return passes.settled(model);
    }

    /**
     * Shows a feature tab's own {@code task} (Compare, Budget…) in the task panel, with progress and
     * Cancel, until it reaches a terminal state. Does not run it: call before handing it to an
     * executor. The task is also cancelled by {@link #shutdown()}.
     */
    public TaskItemViewModel track(AbstractTask task) {
        TaskItemViewModel item = new TaskItemViewModel(task, executors.ui());
        item.statusProperty().addListener((o, was, now) -> {
            if (now.isTerminal()) {
                tasks.remove(item);
            }
        });
        tasks.add(item);
        return item;
    }

    /** Cancels the checkpoint's analysis, forgets its results and releases its file. */
    public void close(CheckpointModel model) {
        if (!checkpoints.remove(model)) {
            return;
        }
        passes.cancel(model);
        List<MatrixEntry> keep = selection.stream().filter(e -> !e.checkpoint().equals(model.opened().path())).toList();
        select(keep, keep.isEmpty() ? null : keep.get(keep.size() - 1));
        int removed = 0;
        for (MatrixEntry e : model.matrices()) {
            MatrixAnalysis a = analyses.remove(e);
            if (a != null && !a.spectrum().approximate()) {
                removed++;
            }
        }
        passes.forget(model);
        matricesDone.set(matricesDone.get() - removed);
        matricesTotal.set(matricesTotal.get() - model.matrices().size());
        statusMessage.set("Closed " + model.displayName());
        executors.work().execute(model.opened()::close);
    }

    /** Cancels every running task and releases every file; call when the window closes. */
    public void shutdown() {
        shutDown = true;
        for (TaskItemViewModel t : List.copyOf(tasks)) {
            t.cancel();
        }
        for (CheckpointModel c : checkpoints) {
            c.opened().close();
        }
    }

    // ---- selection -----------------------------------------------------------------------

    /** Selects one matrix everywhere (explorer, charts, details, table, layer map). */
    public void select(MatrixEntry entry) {
        select(entry == null ? List.of() : List.of(entry), entry);
    }

    /**
     * Selects several matrices; {@code primary} (one of them, or null for the last) is the one the
     * details panel shows and the charts mark.
     */
    public void select(List<MatrixEntry> entries, MatrixEntry primary) {
        List<MatrixEntry> distinct = List.copyOf(new LinkedHashSet<>(entries));
        if (!distinct.equals(selection)) {
            selection.setAll(distinct);
        }
        MatrixEntry p = primary != null && distinct.contains(primary) ? primary
                : distinct.isEmpty() ? null : distinct.get(distinct.size() - 1);
        current.set(p);
    }

    /** The checkpoint that holds {@code entry}. */
    public Optional<CheckpointModel> checkpointOf(MatrixEntry entry) {
        return entry == null ? Optional.empty() : checkpoint(entry.checkpoint());
    }

    private Optional<CheckpointModel> checkpoint(Path key) {
        return checkpoints.stream().filter(c -> c.opened().path().toAbsolutePath().normalize().equals(key)).findFirst();
    }

    // ---- properties ----------------------------------------------------------------------

    /** Open checkpoints in opening order. FX thread only. */
    public ObservableList<CheckpointModel> checkpoints() {
        return checkpointsReadOnly;
    }

    /** Analyses that have arrived, by matrix. Read-only for views. FX thread only. */
    public ObservableMap<MatrixEntry, MatrixAnalysis> analyses() {
        return analysesReadOnly;
    }

    /** The analysis of {@code entry}, or null while it is being computed. */
    public MatrixAnalysis analysis(MatrixEntry entry) {
        return entry == null ? null : analyses.get(entry);
    }

    /** Selected matrices (multi-select), in selection order. Change through {@link #select}. */
    public ObservableList<MatrixEntry> selection() {
        return selectionReadOnly;
    }

    /** The primary selected matrix (details panel, chart markers), or null. */
    public ReadOnlyObjectProperty<MatrixEntry> currentProperty() {
        return current.getReadOnlyProperty();
    }

    public MatrixEntry getCurrent() {
        return current.get();
    }

    /** Running analysis tasks (task panel). */
    public ObservableList<TaskItemViewModel> tasks() {
        return tasksReadOnly;
    }

    /** The metric shown in explorer badges and on the layer map. */
    public ObjectProperty<Metric> metricProperty() {
        return metric;
    }

    public ObjectProperty<Theme> themeProperty() {
        return preferences.theme;
    }

    /** When to run the quick approximate pass before the exact one; persisted. Applies to checkpoints opened later. */
    public ObjectProperty<QuickPreview> quickPreviewProperty() {
        return preferences.quickPreview;
    }

    /**
     * MP fit mode, {@code min_evals} and the cache size limit; persisted and handed to the services
     * at once: analyses started from now on (checkpoints opened later, the report export's missing
     * spectra) use its metrics, cache writes its limit.
     */
    public ObjectProperty<AnalysisSettings> analysisSettingsProperty() {
        return preferences.analysisSettings;
    }

    /** Most recent first (File ▸ Open Recent); persisted through the settings store. */
    public ObservableList<Path> recentFiles() {
        return preferences.recentFilesReadOnly;
    }

    public ReadOnlyStringProperty statusMessageProperty() {
        return statusMessage;
    }

    /** One line describing the SVD engine (status bar). */
    public ReadOnlyStringProperty engineDescriptionProperty() {
        return engineDescription;
    }

    /** Matrices across open checkpoints. */
    public ReadOnlyIntegerProperty matricesTotalProperty() {
        return matricesTotal;
    }

    /** Matrices whose analysis has arrived. */
    public ReadOnlyIntegerProperty matricesDoneProperty() {
        return matricesDone;
    }

    /**
     * The picture exporter of this workbench: it refuses to write onto or into any open
     * checkpoint ({@link #inputs()}).
     */
    public dev.rankscope.views.charts.PictureExporter pictureExporter() {
        return new dev.rankscope.views.charts.PictureExporter(dialogs, executors, this::inputs);
    }

    /** Every open checkpoint's inputs ({@link dev.rankscope.engine.io.ProtectedInputs#of}): no export writes onto or into them. */
    public List<Path> inputs() {
        List<Path> inputs = new ArrayList<>();
        for (CheckpointModel cp : checkpoints) {
            inputs.add(cp.opened().path());
            if (cp.opened().handle() instanceof dev.rankscope.engine.tensor.TensorSource source) {
                inputs.addAll(dev.rankscope.engine.io.ProtectedInputs.of(source));
            }
        }
        return inputs;
    }

    /** The FX-side runner every feature ViewModel submits its background work through. */
    public BackgroundRunner runner() {
        return runner;
    }

    /** Executors shared with the feature ViewModels. */
    public WorkbenchExecutors executors() {
        return executors;
    }

    /** The engine port, for feature ViewModels that compute more (report export's missing spectra). */
    public WorkbenchServices services() {
        return services;
    }

    /** Dialogs shared with the feature ViewModels. */
    public DialogService dialogs() {
        return dialogs;
    }

    /** The on-disk spectrum cache of the services, for the settings window; empty when there is none. */
    public Optional<CacheControl> spectrumCache() {
        return services.cache();
    }

    /** Settings store shared with the window (layout). */
    public SettingsStore settings() {
        return settings;
    }
}
