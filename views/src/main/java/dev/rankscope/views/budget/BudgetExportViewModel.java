package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.analysis.plan.FactorisedExportTask;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.plan.PlanExports;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.workbench.CheckpointModel;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The Budget tab's exports and import (SPEC §5): plan JSON, CSV and PEFT {@code adapter_config.json}
 * written by {@link PlanExports} — the code {@code rankscope plan} writes them with, so the bytes
 * match — and the factorised safetensors as a cancellable task verified by re-reading. Every file
 * goes through the one protection rule ({@link ProtectedInputs}: never onto or into an input). A
 * plan JSON is imported on the work executor and handed to the plan ViewModel.
 *
 * <p>Depends only on the current plan and checkpoint (observable values), so tests need no
 * workbench. FX thread only.
 */
public final class BudgetExportViewModel {

    /** Export formats (File ▸ Export plan). */
    public enum ExportFormat {
        JSON("Plan JSON", "json", "plan.json"),
        CSV("Plan CSV", "csv", "plan.csv"),
        PEFT("PEFT adapter_config.json", "json", "adapter_config.json"),
        FACTORISED("Factorised safetensors", "safetensors", "model-factorised.safetensors");

        private final String label;
        private final String extension;
        private final String suggestedName;

        ExportFormat(String label, String extension, String suggestedName) {
            this.label = label;
            this.extension = extension;
            this.suggestedName = suggestedName;
        }

        public String label() {
            return label;
        }

        public String extension() {
            return extension;
        }

        public String suggestedName() {
            return suggestedName;
        }
    }

    private final BudgetServices services;
    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    private final BackgroundRunner runner;
    private final ObservableValue<Plan> plan;
    private final ObservableValue<CheckpointModel> checkpoint;
    private final BiConsumer<Path, Plan> imported;
    private final StrategyRegistry strategies;

    private final ReadOnlyStringWrapper exportReport = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<FactorisedExportTask> exportTask = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyDoubleWrapper exportProgress = new ReadOnlyDoubleWrapper();

    /**
     * @param services   provenance, input files and the factorised export
     * @param dialogs    save-file choosers and error dialogs
     * @param executors  where work, tasks and results run
     * @param plan       the plan to export (null: none yet)
     * @param checkpoint the checkpoint the plan is for (null: none)
     * @param imported   receives an imported plan and its file, on the FX thread
     * @param strategies the strategies the Budget tab offers: an imported plan's strategy is looked up there
     */
    public BudgetExportViewModel(BudgetServices services, DialogService dialogs, WorkbenchExecutors executors,
                                 ObservableValue<Plan> plan, ObservableValue<CheckpointModel> checkpoint,
                                 BiConsumer<Path, Plan> imported, StrategyRegistry strategies) {
        this.services = Objects.requireNonNull(services);
        this.dialogs = Objects.requireNonNull(dialogs);
        this.executors = Objects.requireNonNull(executors);
        this.runner = new BackgroundRunner(executors, dialogs);
        this.plan = Objects.requireNonNull(plan);
        this.checkpoint = Objects.requireNonNull(checkpoint);
        this.imported = Objects.requireNonNull(imported);
        this.strategies = Objects.requireNonNull(strategies);
    }

    /** Asks where to save through the {@link DialogService} and exports the current plan there. */
    public void export(ExportFormat format) {
        if (plan.getValue() == null) {
            dialogs.showError("Nothing to export", "There is no plan yet: open a checkpoint and wait for its spectra.");
            return;
        }
        dialogs.chooseSaveFile("Export " + format.label(), format.suggestedName(), format.extension())
                .ifPresent(p -> export(format, p));
    }

    /**
     * Exports the current plan to {@code target} on the work executor (factorised: as a task on
     * the task executor, shown in the task panel). Never onto or into an input.
     */
    public void export(ExportFormat format, Path target) {
        Plan p = plan.getValue();
        CheckpointModel cp = checkpoint.getValue();
        if (p == null || cp == null) {
            dialogs.showError("Nothing to export", "There is no plan yet: open a checkpoint and wait for its spectra.");
            return;
        }
        if (format == ExportFormat.FACTORISED) {
            exportFactorised(cp, p, target);
            return;
        }
        OpenedCheckpoint opened = cp.opened();
        PlanExports.Format text = PlanExports.Format.valueOf(format.name());
        runner.work(() -> {
                    PlanExports.write(p, text, target, ProtectedInputs.writer(services.checkpointFiles(opened)));
                    return target;
                })
                .onSuccess(t -> exportReport.set("Wrote " + format.label() + " to " + t))
                .onFailure("Cannot export " + BackgroundRunner.fileName(target), target)
                .start();
    }

    private void exportFactorised(CheckpointModel cp, Plan p, Path target) {
        FactorisedExportTask task;
        try {
            task = services.factorisedExport(cp.opened(), p, target, FactorisedExportParameters.defaults());
        } catch (RankscopeException e) {
            dialogs.showError("Cannot export " + target.getFileName(), e.userMessage());
            return;
        }
        exportTask.set(task);
        exportProgress.set(0);
        task.addListener(progress -> executors.ui().execute(() -> {
            if (exportTask.get() == task && !progress.status().isTerminal()) {
                exportProgress.set(progress.fraction());
                exportReport.set(target.getFileName() + ": " + progress.message());
            }
        }));
        exportReport.set("Writing " + target.getFileName() + "…");
        runner.streaming(task).about(target)
                .onSuccess(none -> {
                    if (ended(task, 1)) {
                        factorisedWritten(task.result(), target);
                    }
                })
                .onCancel(() -> {
                    if (ended(task, exportProgress.get())) {
                        exportReport.set("Export of " + target.getFileName() + " cancelled; no file written");
                    }
                })
                .onFailureSentence(sentence -> {
                    if (ended(task, exportProgress.get())) {
                        exportReport.set("Export of " + target.getFileName() + " failed");
                        dialogs.showError("Cannot export " + target.getFileName(), sentence);
                    }
                })
                .start();
    }

    /** Whether {@code task} is still the shown export; if so it is over now, at {@code progress}. */
    private boolean ended(FactorisedExportTask task, double progress) {
        if (exportTask.get() != task) {
            return false;
        }
        exportTask.set(null);
        exportProgress.set(progress);
        return true;
    }

    private void factorisedWritten(FactorisedExportResult r, Path target) {
        double worst = r.factorChecks().stream().mapToDouble(FactorisedExportResult.FactorCheck::difference)
                .max().orElse(0);
        String line = String.format(Locale.ROOT,
                "Wrote %s: %d tensors, %d factorised; re-read: %s (largest |measured − plan| error %.2e)",
                target.getFileName(), r.tensorCount(), r.factorChecks().size(),
                r.verified() ? "verified" : "VERIFICATION FAILED", worst);
        exportReport.set(line);
        if (!r.verified()) {
            dialogs.showError("Verification failed for " + target.getFileName(), line
                    + (r.copyMismatches().isEmpty() ? "" : "; changed dense tensors: " + r.copyMismatches()));
        }
    }

    /**
     * Re-imports a plan JSON (SPEC §5) on the work executor and hands it to the plan ViewModel,
     * which shows it as it was saved. A failure is one dialog naming the file.
     */
    public void importPlan(Path file) {
        runner.work(() -> PlanJson.read(file, strategies))
                .onSuccess(p -> imported.accept(file, p))
                .onFailure("Cannot import " + BackgroundRunner.fileName(file), file)
                .start();
    }

    /** Outcome of the last export (with the factorised verification result). */
    public ReadOnlyStringProperty exportReportProperty() {
        return exportReport.getReadOnlyProperty();
    }

    /** The running factorised export, or null. */
    public ReadOnlyObjectProperty<FactorisedExportTask> exportTaskProperty() {
        return exportTask.getReadOnlyProperty();
    }

    /** Progress 0..1 of the running factorised export. */
    public ReadOnlyDoubleProperty exportProgressProperty() {
        return exportProgress.getReadOnlyProperty();
    }

    /** Cancels the running factorised export (it stops before the next tensor; no file is left). */
    public void cancelExport() {
        FactorisedExportTask t = exportTask.get();
        if (t != null) {
            t.cancel();
        }
    }

    /** Plan JSON text of the current plan (for tests and the clipboard), or empty. */
    public Optional<String> planJson() {
        return Optional.ofNullable(plan.getValue()).map(PlanJson::toJson);
    }
}
