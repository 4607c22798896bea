package dev.rankscope.views.series;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.sweep.SeriesInput;
import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SeriesSweepTask;
import dev.rankscope.application.sweep.SweepOutputReader;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.application.sweep.SweepRow;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.JobRun;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * State of the Series tab (issue 17 item 1, SPEC §10): the series as opened (checkpoints in the
 * order parsed from their names, which the user can change, or a finished sweep's output folder),
 * what to compute besides the spectra (update spectra ΔW, intruders vs the first), one run of the
 * sweep at a time ({@link SeriesSweepTask} over {@code SweepJob}: spectrum cache, progress,
 * cancel) and its {@link SweepResult}. What the charts show is {@link SeriesChartsModel}; table
 * exports are {@link SeriesTableExport}. Background work goes through the workbench's
 * {@link BackgroundRunner}; a failure is one sentence in {@link #statusProperty()}. FX thread only.
 */
public final class SeriesViewModel {
    /**
     * What runs a series.
     *
     * @param sweeps   makes the task of one run ({@code r -> new SeriesSweepTask(sweepJob, r)})
     * @param engine   SVD engine preference of the runs
     * @param useCache whether runs read and write the spectrum cache
     * @param track    shows a running task in the workbench's task panel (may do nothing)
     */
    public record Services(Function<SeriesSweepTask.Request, JobTask<SweepResult>> sweeps, Backends.Preference engine,
                           boolean useCache, Consumer<JobTask<?>> track) {
    }

    private final Services services;
    private final BackgroundRunner runner;
    private final BackgroundRunner.Latest latest = new BackgroundRunner.Latest();
    private final ObservableList<SeriesMember> members = FXCollections.observableArrayList();
    private final ObservableList<String> orderNotes = FXCollections.observableArrayList();
    private final ObjectProperty<SweepParameters.Updates> updates = new SimpleObjectProperty<>(SweepParameters.Updates.NONE);
    private final BooleanProperty intruders = new SimpleBooleanProperty();
    private final ReadOnlyStringWrapper source = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<SweepResult> result = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyBooleanWrapper stale = new ReadOnlyBooleanWrapper();
    /** 0..1 while running ({@link JobRun}), 1 once a result is shown. */
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper();
    /** Outcomes only: how to open a series is the tab's hint over the empty charts. */
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final SeriesChartsModel charts = new SeriesChartsModel(result.getReadOnlyProperty());
    private final JobRun job;

    /**
     * @param runner the workbench's runner (work and task executors, dialogs)
     * @param ui     the FX thread (same-thread in tests), for progress
     */
    public SeriesViewModel(Services services, BackgroundRunner runner, Executor ui) {
        this.services = services;
        this.runner = runner;
        this.job = new JobRun(runner, ui);
        job.progressProperty().addListener((o, a, b) -> progress.set(b.doubleValue()));
    }

    /**
     * Opens {@code chosen} as a series ({@link SeriesInput} rule): checkpoints are analysed right
     * away in the order parsed from their names; a sweep's output folder is shown as it was written.
     */
    public void open(List<Path> chosen) {
        List<Path> paths = List.copyOf(chosen);
        status.set("Opening the series…");
        runner.work(() -> {
                    SeriesInput input;
                    try {
                        input = SeriesInput.of(paths);
                    } catch (IllegalArgumentException e) {
                        throw new RankscopeException(e.getMessage());
                    }
                    return new Opened(input, input.isSweepOutput() ? SweepOutputReader.read(input.sweepOutput()) : null);
                })
                .latestOf(latest)
                .about(paths.size() == 1 ? BackgroundRunner.fileName(paths.get(0)) : paths.size() + " checkpoints")
                .onSuccess(this::opened)
                .onFailureSentence(status::set)
                .start();
    }

    /** A resolved input, with the sweep it holds when it is a sweep's output folder. */
    private record Opened(SeriesInput input, SweepResult sweep) {
    }

    private void opened(Opened o) {
        cancel();
        source.set(o.input().name());
        orderNotes.clear();
        stale.set(false);
        if (o.sweep() != null) {
            members.setAll(o.sweep().series());
            orderNotes.add("read from the sweep in " + o.input().name() + " (series.json, sweep.csv)");
            // the form says what the shown table holds, so Compute recomputes the same
            List<SweepRow> rows = o.sweep().rows();
            String first = o.sweep().series().isEmpty() ? null : o.sweep().series().get(0).label();
            updates.set(rows.stream().noneMatch(r -> r.updateBase() != null) ? SweepParameters.Updates.NONE
                    : rows.stream().allMatch(r -> r.updateBase() == null || r.updateBase().equals(first))
                    ? SweepParameters.Updates.FIRST : SweepParameters.Updates.CONSECUTIVE);
            intruders.set(rows.stream().anyMatch(r -> r.intruders() != null));
            show(o.sweep());
            return;
        }
        members.setAll(o.input().order().members());
        orderNotes.setAll(o.input().order().notes());
        result.set(null);
        run();
    }

    /** Runs the sweep over {@link #members()} in their current order with the chosen extras; a running one is cancelled. */
    public void run() {
        if (members.isEmpty()) {
            status.set("Open a series first (File ▸ Open Series…).");
            return;
        }
        cancel();
        SeriesSweepTask.Request request = new SeriesSweepTask.Request(members.stream().map(SeriesMember::path).toList(),
                updates.get(), intruders.get(), IntruderParameters.DEFAULT, services.engine(), services.useCache());
        JobTask<SweepResult> task = services.sweeps().apply(request);
        status.set("Analysing " + members.size() + " checkpoints…");
        services.track().accept(task);
        job.of(task).about(source.get()).onMessage(status::set)
                .onSuccess(r -> {
                    stale.set(false);
                    show(r);
                })
                .onFailure(status::set)
                .start();
    }

    private void show(SweepResult r) {
        result.set(r);
        progress.set(1);
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "%d checkpoints, %d rows", r.series().size(), r.rows().size()));
        if (r.spectraComputed() + r.spectraFromCache() > 0) {
            parts.add(String.format(Locale.ROOT, "%d spectra computed, %d from the cache", r.spectraComputed(), r.spectraFromCache()));
        }
        if (!r.unmatched().isEmpty()) {
            parts.add(r.unmatched().size() + " matrices not compared across the series (listed below)");
        }
        if (!r.failures().isEmpty()) {
            parts.add(r.failures().size() + " failures (listed below)");
        }
        status.set(String.join("; ", parts) + ".");
    }

    /** Cancels the running sweep, if any (it stops at its next matrix). */
    public void cancel() {
        if (job.abandon()) {
            status.set("Cancelled.");
        }
    }

    /**
     * Writes the long table of the shown result to {@code target} ({@link SeriesTableExport});
     * the outcome is one sentence in {@link #statusProperty()}.
     */
    public void exportTable(SeriesTableExport.Format format, Path target) {
        SweepResult r = result.get();
        if (r == null) {
            status.set("There is no series table to export yet.");
            return;
        }
        new SeriesTableExport(runner).write(r, format, target, status::set);
    }

    /** Moves checkpoint {@code index} one place earlier (no-op at the top); the result is stale until {@link #run()}. */
    public void moveUp(int index) {
        move(index, index - 1);
    }

    /** Moves checkpoint {@code index} one place later (no-op at the bottom); the result is stale until {@link #run()}. */
    public void moveDown(int index) {
        move(index, index + 1);
    }

    private void move(int from, int to) {
        if (from < 0 || to < 0 || from >= members.size() || to >= members.size()) {
            return;
        }
        List<SeriesMember> order = new ArrayList<>(members);
        order.add(to, order.remove(from));
        List<SeriesMember> renumbered = new ArrayList<>();
        for (SeriesMember m : order) {
            renumbered.add(new SeriesMember(renumbered.size(), m.path(), m.label(), m.step()));
        }
        members.setAll(renumbered);
        orderNotes.removeIf(n -> n.startsWith("order set by hand"));
        orderNotes.add("order set by hand; Compute to analyse the series in this order");
        stale.set(true);
    }

    /** The checkpoints in series order (what {@link #run()} analyses). */
    public ObservableList<SeriesMember> members() {
        return FXCollections.unmodifiableObservableList(members);
    }

    /** What the user should know about the order (names without a step, list-file order, order set by hand). */
    public ObservableList<String> orderNotes() {
        return FXCollections.unmodifiableObservableList(orderNotes);
    }

    /** What the charts show. */
    public SeriesChartsModel charts() {
        return charts;
    }

    public ObjectProperty<SweepParameters.Updates> updatesProperty() {
        return updates;
    }

    public BooleanProperty intrudersProperty() {
        return intruders;
    }

    /** The name of what was opened. */
    public ReadOnlyStringProperty sourceProperty() {
        return source.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SweepResult> resultProperty() {
        return result.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return job.runningProperty();
    }

    /** True when the order was changed after the result was computed. */
    public ReadOnlyBooleanProperty staleProperty() {
        return stale.getReadOnlyProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }
}
