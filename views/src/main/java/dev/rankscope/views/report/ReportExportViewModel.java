package dev.rankscope.views.report;

import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.report.IntruderSummary;
import dev.rankscope.application.report.ReportExportTask;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * File ▸ Export report…: writes the same self-contained HTML report as
 * {@code rankscope report} for the open checkpoint (the one holding the selected matrix, else the
 * first opened), from the spectra the session already computed (waiting for the workbench's own
 * analysis when it is still running, so no spectrum is computed twice); the missing ones are computed by a
 * {@link ReportExportTask} shown in the task panel with progress and Cancel. The report includes
 * the Budget tab's plan and quality-vs-size sweep and the Compare tab's intruder summary when those
 * tabs have one (wired with {@link #includePlan}, {@link #includeQuality} and {@link #includeComparison}).
 * The file is written through an {@link AtomicFileWriter} that refuses every open checkpoint's files and
 * folders (the one rule, {@link ProtectedInputs}); the task runs through the workbench's
 * {@code BackgroundRunner}, and every failure is one dialog.
 *
 * <p>FX thread only; the work runs on the workbench's task executor.
 */
public final class ReportExportViewModel {
    private final WorkbenchViewModel workbench;
    private final Clock clock;
    private final ReadOnlyObjectWrapper<ReportExportTask> running = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Path> lastWritten = new ReadOnlyObjectWrapper<>();
    private final BooleanBinding disabled;
    private Supplier<Plan> planSource = () -> null;
    private Supplier<IntruderSummary> comparisonSource = () -> null;
    private Supplier<SweepResult> qualitySource = () -> null;

    public ReportExportViewModel(WorkbenchViewModel workbench) {
        this(workbench, Clock.systemUTC());
    }

    /** With an explicit clock (the report's "generated" time), for tests. */
    public ReportExportViewModel(WorkbenchViewModel workbench, Clock clock) {
        this.workbench = Objects.requireNonNull(workbench);
        this.clock = Objects.requireNonNull(clock);
        disabled = Bindings.isEmpty(workbench.checkpoints()).or(running.isNotNull());
    }

    /** True while nothing is open or an export runs (binds the menu item). */
    public BooleanBinding disabledProperty() {
        return disabled;
    }

    /** The export in progress, or null. */
    public ReadOnlyObjectProperty<ReportExportTask> runningProperty() {
        return running.getReadOnlyProperty();
    }

    /** The last report written by this session, or null. */
    public ReadOnlyObjectProperty<Path> lastWrittenProperty() {
        return lastWritten.getReadOnlyProperty();
    }

    /** Where the plan to summarise comes from; the supplier may return null (no plan). */
    public void setPlanSource(Supplier<Plan> source) {
        planSource = source == null ? () -> null : source;
    }

    /**
     * Includes the Budget tab's plan when it was made for the checkpoint being reported on.
     *
     * @param planned the checkpoint the plan is for
     * @param plan    the current plan, null when none
     */
    public void includePlan(ObservableValue<CheckpointModel> planned, ObservableValue<Plan> plan) {
        setPlanSource(() -> planned.getValue() != null && checkpoint().orElse(null) == planned.getValue()
                ? plan.getValue() : null);
    }

    /**
     * Includes the Budget tab's quality-vs-size sweep (Model ▸ Quality vs size) when it was run for
     * the checkpoint being reported on: the report then embeds its chart and table, as
     * {@code rankscope report --quality} does.
     *
     * @param planned the checkpoint the sweep is for
     * @param sweep   the last sweep, null when none
     */
    public void includeQuality(ObservableValue<CheckpointModel> planned, ObservableValue<SweepResult> sweep) {
        qualitySource = () -> planned.getValue() != null && checkpoint().orElse(null) == planned.getValue()
                ? sweep.getValue() : null;
    }

    /**
     * Includes the Compare tab's result when the checkpoint reported on is one side of the pair
     * (the base, as with {@code rankscope report --adapter}, or the tuned, as with {@code --base}):
     * its report summarised at its current (k, ε), once at least one matrix pair is compared.
     */
    public void includeComparison(ObservableValue<Path> base, ObservableValue<Path> tuned,
                                  ObservableValue<IntruderReport> report, ObservableValue<IntruderParameters> params) {
        comparisonSource = () -> {
            IntruderReport r = report.getValue();
            IntruderParameters p = params.getValue();
            Path reported = checkpoint().map(c -> normal(c.opened().path())).orElse(null);
            boolean side = reported != null && (reported.equals(normal(base.getValue())) || reported.equals(normal(tuned.getValue())));
            return !side || r == null || p == null || r.matrices().isEmpty() ? null : IntruderSummary.of(r, p);
        };
    }

    private static Path normal(Path p) {
        return p == null ? null : p.toAbsolutePath().normalize();
    }

    /** The checkpoint a report would describe: the selected matrix's, else the first open one. */
    public Optional<CheckpointModel> checkpoint() {
        Optional<CheckpointModel> selected = workbench.checkpointOf(workbench.getCurrent());
        return selected.isPresent() ? selected : workbench.checkpoints().stream().findFirst();
    }

    /** Asks where to save (suggesting {@code <checkpoint>-report.html}), then {@link #exportTo}. */
    public void export() {
        Optional<CheckpointModel> cp = checkpoint();
        if (cp.isEmpty() || running.get() != null) {
            return;
        }
        workbench.dialogs().chooseSaveFile("Export report", stem(cp.get().displayName()) + "-report.html", "html")
                .ifPresent(this::exportTo);
    }

    /**
     * Starts the export of the current checkpoint's report to {@code target}. Refuses at once (one
     * dialog, nothing written) when {@code target} is one of the checkpoint's files or inside its
     * folder. Returns the started task, empty when nothing is open, an export already runs, or refused.
     */
    public Optional<ReportExportTask> exportTo(Path target) {
        Optional<CheckpointModel> found = checkpoint();
        if (found.isEmpty() || running.get() != null) {
            return Optional.empty();
        }
        CheckpointModel cp = found.get();
        AtomicFileWriter writer = ProtectedInputs.writer(workbench.inputs()); // every open checkpoint, not only this one
        try {
            writer.checkAllowed(target);
        } catch (RankscopeException e) {
            workbench.dialogs().showError("Cannot export the report", e.userMessage());
            return Optional.empty();
        }
        Map<MatrixEntry, MatrixAnalysis> known = analysesOf(cp);
        // Spectra the workbench is computing right now are awaited, not computed a second time.
        CompletableFuture<Map<MatrixEntry, MatrixAnalysis>> settled = new CompletableFuture<>();
        workbench.analysisSettled(cp).thenRun(() -> settled.complete(analysesOf(cp)));
        ReportExportTask.Request request = new ReportExportTask.Request(cp.opened(), known, List.of(), planSource.get(),
                comparisonSource.get(), qualitySource.get(), target, writer, ChartSize.REPORT, settled);
        ReportExportTask task = new ReportExportTask(request, workbench.services(), clock);
        workbench.track(task);
        running.set(task);
        workbench.runner().task(task)
                .onSuccess(outcome -> {
                    ended(task);
                    lastWritten.set(target);
                })
                .onCancel(() -> ended(task)) // nothing written: the file is only replaced after rendering completes
                .onFailure("Cannot export the report", target)
                .onFailureSentence(sentence -> ended(task))
                .start();
        return Optional.of(task);
    }

    /** The session's analyses of {@code cp}'s matrices, in checkpoint order. FX thread. */
    private Map<MatrixEntry, MatrixAnalysis> analysesOf(CheckpointModel cp) {
        Map<MatrixEntry, MatrixAnalysis> known = new LinkedHashMap<>();
        for (MatrixEntry e : cp.matrices()) {
            MatrixAnalysis a = workbench.analysis(e);
            if (a != null) {
                known.put(e, a);
            }
        }
        return known;
    }

    private void ended(ReportExportTask task) {
        if (running.get() == task) {
            running.set(null);
        }
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
