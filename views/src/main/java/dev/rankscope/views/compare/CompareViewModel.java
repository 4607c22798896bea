package dev.rankscope.views.compare;

import dev.rankscope.application.intruders.ComparisonInputs;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.BackgroundRunner;

import dev.rankscope.analysis.intruders.IntruderListener;
import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.views.fx.UiBatcher;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.workbench.WorkbenchSelection;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * State of the Compare tab (SPEC §3): a base and a tuned checkpoint (full checkpoint or
 * PEFT LoRA adapter folder), the intruder results streamed in by one {@link IntruderTask}, the live
 * knobs k (1–100) and ε (0–1), and everything the tab derives from them: table rows, per-layer
 * counts by module, totals, the selected matrix and the heatmap width N.
 *
 * <p>Threading: every public method and property is FX-thread only. Opening the pair reads headers
 * on the work executor; the analysis runs on the task executor (one comparison at a time, one
 * matrix pair at a time inside it) and shows in the workbench task panel with Cancel; results are
 * applied in batches on the UI executor. Changing k or ε re-derives everything synchronously from
 * the cached c_j of {@link IntruderMatrixResult}: no SVD, no I/O, microseconds per matrix.
 * Exports write on the work executor (JSON/CSV) or as a cancellable task (mitigated checkpoint),
 * atomically; errors become one dialog naming the file.
 */
public final class CompareViewModel {
    /** Default heatmap width N (base vectors shown). */
    public static final int DEFAULT_HEATMAP_COLUMNS = 32;

    private final WorkbenchSelection workbench;
    private final CompareServices services;
    private final WorkbenchExecutors executors;
    private final DialogService dialogs;

    private final BaseChoice baseChoice;
    private final ObjectProperty<Path> basePath;
    private final ObjectProperty<Path> tunedPath = new SimpleObjectProperty<>();

    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
    /** Outcomes only: what to do first is the tab's hint card over the empty charts. */
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper pairingSummary = new ReadOnlyStringWrapper("");
    private final ObservableList<String> pairingNotes = FXCollections.observableArrayList();

    private final List<IntruderMatrixResult> results = new ArrayList<>();
    private final List<IntruderReport.MatrixFailure> failures = new ArrayList<>();
    private ComparisonInputs session;
    private IntruderTask task;
    private final BackgroundRunner runner;
    private final CompareExportViewModel exports;
    private final CompareResultsViewModel live = new CompareResultsViewModel();
    private long generation;

    public CompareViewModel(WorkbenchSelection workbench, CompareServices services) {
        this.workbench = Objects.requireNonNull(workbench);
        this.services = Objects.requireNonNull(services);
        this.executors = workbench.executors();
        this.dialogs = workbench.dialogs();
        this.runner = workbench.runner();
        this.baseChoice = new BaseChoice(workbench.checkpoints());
        this.basePath = baseChoice.baseProperty();
        this.exports = new CompareExportViewModel(services, runner, live.reportProperty(),
                live.parametersProperty(), basePath, tunedPath, () -> session, running.getReadOnlyProperty(),
                message::set, workbench::track);
    }

    /**
     * The exporter of the Compare charts' pictures: refuses to write onto or into the workbench's
     * open checkpoints and either side of the comparison ({@link CompareExportViewModel#inputs}),
     * through the one protection rule.
     */
    public PictureExporter pictureExporter() {
        return new PictureExporter(dialogs, executors, () -> {
            List<Path> all = new ArrayList<>(workbench.inputs());
            all.addAll(exports.inputs());
            return all;
        });
    }

    // ---- inputs --------------------------------------------------------------------------

    /** The base checkpoint (W₀); never empty while a checkpoint is open ({@link BaseChoice}). */
    public ObjectProperty<Path> basePathProperty() {
        return basePath;
    }

    /** The tuned side (W_t): a checkpoint file/folder or a PEFT LoRA adapter folder. */
    public ObjectProperty<Path> tunedPathProperty() {
        return tunedPath;
    }

    /** Bases offered in the picker: the workbench's open checkpoints, plus the chosen base. */
    public ObservableList<Path> baseChoices() {
        return FXCollections.unmodifiableObservableList(baseChoice.choices());
    }

    /**
     * Opens {@code path} in the workbench too (explorer, spectra) and makes it the base. Used by
     * the tab's "Open base…" button.
     */
    public void openBase(Path path) {
        workbench.open(path);
        basePath.set(path);
    }

    /** Sets both sides and starts the comparison. */
    public void compare(Path base, Path tuned) {
        basePath.set(base);
        tunedPath.set(tuned);
        compare();
    }

    /** Sets the tuned side (keeping the base, or the workbench's current checkpoint) and compares. */
    public void compareWith(Path tuned) {
        if (basePath.get() == null) {
            workbench.checkpointOf(workbench.getCurrent()).ifPresent(c -> basePath.set(c.opened().path()));
        }
        tunedPath.set(tuned);
        compare();
    }

    /**
     * A file or folder dropped on the tab: a LoRA adapter folder (or anything once a base is set)
     * becomes the tuned side and the comparison starts; otherwise it becomes the base.
     */
    public void dropped(List<Path> paths) {
        for (Path p : paths) {
            if (basePath.get() == null && !services.isAdapter(p)) {
                basePath.set(p);
            } else {
                tunedPath.set(p);
            }
        }
        if (basePath.get() != null && tunedPath.get() != null) {
            compare();
        }
    }

    /**
     * Starts comparing the chosen base and tuned side, cancelling and releasing any previous
     * comparison. Headers are read on the work executor; a failure shows one dialog naming the file.
     */
    public void compare() {
        Path b = basePath.get();
        Path t = tunedPath.get();
        if (b == null || t == null) {
            message.set(b == null ? "Choose a base checkpoint first" : "Choose a tuned checkpoint or LoRA adapter first");
            return;
        }
        stop();
        long gen = ++generation;
        running.set(true);
        message.set("Opening " + fileName(b) + " and " + fileName(t) + "…");
        runner.work(() -> services.open(b, t))
                .onSuccess(inputs -> opened(gen, inputs))
                .about(t)
                .onFailureSentence(text -> openFailed(gen, text))
                .start();
    }

    private void openFailed(long gen, String text) {
        if (gen != generation) {
            return;
        }
        running.set(false);
        message.set("Could not compare " + fileName(basePath.get()) + " with " + fileName(tunedPath.get()));
        dialogs.showError("Cannot compare " + fileName(tunedPath.get()), text);
    }

    private void opened(long gen, ComparisonInputs inputs) {
        if (gen != generation) {
            executors.work().execute(inputs::close); // superseded while opening
            return;
        }
        session = inputs;
        Pairing pairing = inputs.pairing();
        pairingNotes.setAll(PairingSummary.notes(inputs));
        pairingSummary.set(PairingSummary.line(inputs));
        updateReport();
        if (pairing.pairs().isEmpty()) {
            running.set(false);
            message.set("Nothing to compare");
            dialogs.showError("Nothing to compare", fileName(inputs.basePath()) + " and " + fileName(inputs.tunedPath())
                    + " have no matrices in common (same names and shapes) to compare");
            return;
        }
        UiBatcher<Object> batcher = new UiBatcher<>(executors.ui(), batch -> applyBatch(gen, batch));
        IntruderTask t = services.intruderTask(inputs, new IntruderListener() {
            @Override
            public void onResult(IntruderMatrixResult result) {
                batcher.offer(result);
            }

            @Override
            public void onFailure(Pairing.MatrixPair pair, RankscopeException error) {
                batcher.offer(new IntruderReport.MatrixFailure(pair.name(), error.userMessage()));
            }
        });
        task = t;
        workbench.track(t);
        message.set("Comparing " + pairing.pairs().size() + " matrix pairs…");
        runner.streaming(t).about(tunedPath.get())
                .onSuccess(none -> {
                    if (ends(gen, t)) {
                        IntruderParameters p = live.getParameters();
                        message.set(String.format(Locale.ROOT, "Compared %d matrix pairs: %d intruders (k = %d, ε = %.2f)",
                                results.size(), live.totalIntrudersProperty().get(), p.k(), p.epsilon()));
                        showFailures();
                    }
                })
                .onCancel(() -> {
                    if (ends(gen, t)) {
                        message.set("Cancelled after " + results.size() + " of "
                                + (session == null ? 0 : session.pairing().pairs().size()) + " matrix pairs");
                        showFailures();
                    }
                })
                .onFailureSentence(sentence -> {
                    if (ends(gen, t)) {
                        message.set("Comparison stopped by an error");
                        dialogs.showError("Comparison of " + fileName(tunedPath.get()) + " stopped", sentence);
                    }
                })
                .start();
    }

    private void applyBatch(long gen, List<Object> batch) {
        if (gen != generation) {
            return;
        }
        for (Object o : batch) {
            if (o instanceof IntruderMatrixResult r) {
                results.add(r);
            } else if (o instanceof IntruderReport.MatrixFailure f) {
                failures.add(f);
            }
        }
        updateReport();
    }

    /** Whether {@code t} is still this tab's comparison; if so it is over now. */
    private boolean ends(long gen, IntruderTask t) {
        if (gen != generation || t != task) {
            return false;
        }
        task = null;
        running.set(false);
        return true;
    }

    private void showFailures() {
        if (!failures.isEmpty()) {
            dialogs.showError("Some matrices of " + fileName(tunedPath.get()) + " could not be compared",
                    failures.size() + " of " + (results.size() + failures.size()) + " matrix pairs failed. First: "
                            + failures.get(0).name() + ": " + failures.get(0).message());
        }
    }

    /** Cancels the running comparison (its results so far stay). */
    public void cancel() {
        if (task != null) {
            task.cancel();
        }
    }

    /** Cancels and forgets the current comparison and releases its files. */
    private void stop() {
        generation++;
        if (task != null) {
            task.cancel();
            task = null;
        }
        ComparisonInputs old = session;
        session = null;
        if (old != null) {
            exports.cancel();
            executors.work().execute(old::close);
        }
        results.clear();
        failures.clear();
        pairingNotes.clear();
        pairingSummary.set("");
        live.clearSelection();
        updateReport();
    }

    /** Cancels every task and releases the files; call when the window closes. */
    public void shutdown() {
        exports.cancel();
        stop();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** One line for the user: what happened last. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Pairs, mismatches and memory per pair of the current comparison. */
    public ReadOnlyStringProperty pairingSummaryProperty() {
        return pairingSummary.getReadOnlyProperty();
    }

    /** Mismatched shapes, one-sided names and adapter notes: listed, not fatal. */
    public ObservableList<String> pairingNotes() {
        return FXCollections.unmodifiableObservableList(pairingNotes);
    }

    /** Suggested file name stem for exports ({@code <tuned>-vs-<base>}). */
    public String exportStem() {
        return fileName(tunedPath.get()) + "-vs-" + fileName(basePath.get());
    }

    static String fileName(Path p) {
        if (p == null) {
            return "?";
        }
        Path f = p.getFileName();
        return dev.rankscope.engine.hub.HuggingFaceCache.snapshotName(p).orElse(f == null ? p.toString() : f.toString());
    }

    /** The JSON/CSV exports and the mitigated checkpoint. */
    public CompareExportViewModel exports() {
        return exports;
    }

    private void updateReport() {
        Pairing pairing = session == null ? new Pairing(List.of(), List.of(), List.of(), List.of()) : session.pairing();
        live.update(new IntruderReport(basePath.get() == null ? "" : String.valueOf(basePath.get()),
                tunedPath.get() == null ? "" : String.valueOf(tunedPath.get()), results, pairing, failures));
    }

    /** (k, ε), the rows, counts, totals and selection derived from the results at them. */
    public CompareResultsViewModel results() {
        return live;
    }
}
