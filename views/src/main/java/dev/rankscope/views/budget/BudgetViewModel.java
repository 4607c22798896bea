package dev.rankscope.views.budget;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.AllocationException;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchSelection;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State of the Budget tab (SPEC §4–5): strategy and its parameters, budget, scope and
 * constraints as properties; the plan, the strategy comparison and the reconstruction preview as
 * read-only results.
 *
 * <p>Re-planning: any input change requests a re-plan through the injected {@link Debouncer}
 * (~250 ms in the app, immediate in tests). The request snapshots every input into a
 * {@link PlanRequest} on the FX thread, runs {@link PlanJob#plan} (and
 * {@link StrategyComparison#compare} when strategies are picked for comparison) on the work
 * executor, and applies the result on the UI executor only if it is still the latest
 * ({@link LatestResultScheduler}). The spectra are those the workbench already computed
 * ({@link MatrixAnalysis#spectrum()}); nothing is recomputed.
 *
 * <p>Invalid inputs (a parameter a record rejects, a budget below what the constraints need)
 * become {@link #messageProperty()} text, not dialogs, since they occur while dragging.
 * File errors (export, import) go through {@link DialogService}.
 *
 * <p>Threading: every public method and property is FX-thread only.
 */
public final class BudgetViewModel {
    private static final System.Logger LOG = System.getLogger(BudgetViewModel.class.getName());

    /** Everything a plan depends on, snapshotted on the FX thread. Immutable. */
    public record PlanRequest(OpenedCheckpoint checkpoint, List<AllocationInput> inputs, Budget budget, Scope scope,
                              Constraints constraints, StrategyParameters strategy, List<StrategyParameters> compare) {
        public PlanRequest {
            inputs = List.copyOf(inputs);
            compare = List.copyOf(compare);
        }
    }

    /** A plan and (when asked) the comparison at the same budget. */
    public record PlanOutcome(Plan plan, StrategyComparison comparison) {
    }

    private final WorkbenchSelection workbench;
    private final BudgetServices services;
    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    private final Debouncer debouncer;
    private final LatestResultScheduler planScheduler;
    private final Map<Path, PlanSource> sources = new ConcurrentHashMap<>();

    private final ReadOnlyObjectWrapper<CheckpointModel> checkpoint = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Plan> plan = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<StrategyComparison> comparison = new ReadOnlyObjectWrapper<>();
    private final ObservableList<PlannedMatrix> rows = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper inputSummary = new ReadOnlyStringWrapper("No checkpoint open");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper hasFusedParts = new ReadOnlyBooleanWrapper();
    private final ReadOnlyObjectWrapper<Path> importedFrom = new ReadOnlyObjectWrapper<>();
    private final BudgetSettings settings;
    private final BudgetPreviewViewModel preview;
    private final BudgetExportViewModel exports;
    private final javafx.beans.property.ObjectProperty<DataAwareInputs> dataAware =
            new javafx.beans.property.SimpleObjectProperty<>();
    private final ModelLoopViewModel modelLoop;
    private boolean applyingImport;
    private final javafx.beans.value.ChangeListener<Number> analysedListener = (o, a, b) -> inputsChanged();

    /**
     * @param workbench the shared workbench state (open checkpoints, analyses, executors, dialogs)
     * @param services  matrix reading, SVD and factorised export
     * @param debouncer coalesces input bursts; {@link Debouncer#immediate()} in tests
     */
    public BudgetViewModel(WorkbenchSelection workbench, BudgetServices services, Debouncer debouncer) {
        this(workbench, services, debouncer, StrategyRegistry.standard());
    }

    /**
     * @param workbench  the shared workbench state (open checkpoints, analyses, executors, dialogs)
     * @param services   matrix reading, SVD and factorised export
     * @param debouncer  coalesces input bursts; {@link Debouncer#immediate()} in tests
     * @param strategies the strategies the picker offers (the first is selected) and their forms
     */
    public BudgetViewModel(WorkbenchSelection workbench, BudgetServices services, Debouncer debouncer,
                           StrategyRegistry strategies) {
        this.settings = new BudgetSettings(strategies);
        this.workbench = Objects.requireNonNull(workbench);
        this.services = Objects.requireNonNull(services);
        this.dialogs = workbench.dialogs();
        this.executors = workbench.executors();
        this.debouncer = Objects.requireNonNull(debouncer);
        this.planScheduler = new LatestResultScheduler(executors.work(), executors.ui());
        this.preview = new BudgetPreviewViewModel(services, workbench.runner(), checkpoint.getReadOnlyProperty());
        this.exports = new BudgetExportViewModel(services, dialogs, executors, plan.getReadOnlyProperty(),
                checkpoint.getReadOnlyProperty(), this::applyImport, strategies);
        this.modelLoop = new ModelLoopViewModel(workbench.runner(), executors.ui(), checkpoint.getReadOnlyProperty(),
                plan.getReadOnlyProperty(), settings.strategyProperty(), fusedPartsInUse(), dataAware);
        dataAware.addListener((o, a, b) -> inputsChanged());
        preview.statisticsProperty().bind(modelLoop.statisticsProperty());
        settings.addListener(this::inputsChanged);
        workbench.currentProperty().addListener((o, a, b) -> followCheckpoint());
        workbench.checkpoints().addListener((ListChangeListener<CheckpointModel>) c -> {
            while (c.next()) {
                // a reopened (possibly rewritten) file must get a fresh header hash in the plan's provenance
                c.getRemoved().forEach(closed -> sources.remove(closed.opened().path()));
            }
            followCheckpoint();
        });
        workbench.analyses().addListener((MapChangeListener<MatrixEntry, MatrixAnalysis>) c -> {
            CheckpointModel cp = checkpoint.get();
            if (cp != null && c.wasAdded() && cp.entry(c.getKey().id()).filter(c.getKey()::equals).isPresent()) {
                inputsChanged();
            }
        });
        followCheckpoint();
    }

    // ---- inputs -----------------------------------------------------------------------------

    /** True while the plan budgets q/k/v parts: the control is on and the checkpoint has fused projections. */
    private javafx.beans.binding.BooleanBinding fusedPartsInUse() {
        return settings.fusedPartsProperty().and(hasFusedParts);
    }

    private void followCheckpoint() {
        CheckpointModel next = workbench.checkpointOf(workbench.getCurrent())
                .orElse(workbench.checkpoints().isEmpty() ? null : workbench.checkpoints().get(0));
        if (next != null && !workbench.checkpoints().contains(next)) {
            next = null;
        }
        if (next != checkpoint.get()) {
            if (checkpoint.get() != null) {
                checkpoint.get().analysedProperty().removeListener(analysedListener);
            }
            if (next != null) {
                next.analysedProperty().addListener(analysedListener);
            }
            checkpoint.set(next);
            inputsChanged();
        }
    }

    private void inputsChanged() {
        if (applyingImport) {
            return;
        }
        importedFrom.set(null);
        debouncer.request(this::replan);
    }

    /** Re-plans now (the debouncer calls this; also the "Re-plan" action). */
    public void replan() {
        CheckpointModel cp = checkpoint.get();
        if (cp == null) {
            planScheduler.invalidate();
            hasFusedParts.set(false);
            inputSummary.set("No checkpoint open");
            setPlan(null, null);
            return;
        }
        List<AllocationInput> inputs = new ArrayList<>();
        int approximate = 0;
        List<MatrixRef> listed = cp.matrices().stream().map(MatrixEntry::ref).toList();
        hasFusedParts.set(PlanJob.hasFusedParts(listed));
        // whole matrices, or the q/k/v parts in place of their fused matrix: what `plan [--fused-parts]` budgets
        java.util.Set<MatrixRef> budgeted = new java.util.HashSet<>(PlanJob.budgeted(listed, settings.fusedPartsProperty().get()));
        for (MatrixEntry e : cp.matrices()) {
            MatrixAnalysis a = workbench.analysis(e);
            if (a == null || !budgeted.contains(e.ref())) {
                continue;
            }
            if (a.spectrum().approximate()) {
                approximate++;
                continue;
            }
            inputs.add(AllocationInput.from(a));
        }
        inputSummary.set(summary(cp, inputs.size(), approximate));
        if (inputs.isEmpty()) {
            planScheduler.invalidate();
            setPlan(null, null);
            message.set("Waiting for spectra…");
            return;
        }
        PlanRequest request;
        try {
            request = snapshot(cp.opened(), inputs);
        } catch (IllegalArgumentException e) {
            planScheduler.invalidate();
            message.set(e.getMessage());
            return;
        }
        busy.set(true);
        DataAwareInputs aware = dataAware.get();
        planScheduler.submit(() -> compute(request, aware), this::applyOutcome, this::planFailed);
    }

    private static String summary(CheckpointModel cp, int usable, int approximate) {
        String s = cp.displayName() + ": " + usable + " of " + cp.matrices().size() + " matrices";
        if (approximate > 0) {
            s += " (" + approximate + " with only an approximate spectrum left dense)";
        }
        return s;
    }

    /** The current inputs as one immutable request. @throws IllegalArgumentException for an invalid input */
    public PlanRequest snapshot(OpenedCheckpoint opened, List<AllocationInput> inputs) {
        return new PlanRequest(opened, inputs, settings.budget(), settings.scope(), settings.constraints(),
                settings.strategyProperty().get(), settings.compared());
    }

    /** Runs on the work executor: the plan with provenance, and the comparison when asked. */
    private PlanOutcome compute(PlanRequest request, DataAwareInputs aware) {
        PlanRequest r = request;
        dev.rankscope.analysis.allocation.DataAwareness awareness = null;
        if (aware != null) {
            // σ(W·S) in place of σ(W) (SPEC §4), with the provenance the plan records
            dev.rankscope.analysis.allocation.DataAwareTransforms.Applied a = aware.apply(r.checkpoint(), r.inputs());
            r = new PlanRequest(r.checkpoint(), a.inputs(), r.budget(), r.scope(), r.constraints(), r.strategy(), r.compare());
            awareness = a.awareness();
        }
        Plan p = PlanJob.plan(r.inputs(), r.budget(), r.scope(), r.constraints(), r.strategy(),
                source(r.checkpoint()), services.engineDescription()).withDataAwareness(awareness);
        StrategyComparison cmp = r.compare().isEmpty() ? null
                : StrategyComparison.compare(r.inputs(), r.budget(), r.scope(), r.constraints(), r.compare());
        return new PlanOutcome(p, cmp);
    }

    private PlanSource source(OpenedCheckpoint opened) {
        return sources.computeIfAbsent(opened.path(), k -> services.planSource(opened));
    }

    private void applyOutcome(PlanOutcome outcome) {
        busy.set(false);
        setPlan(outcome.plan(), outcome.comparison());
        message.set(String.join("; ", outcome.plan().notes()));
    }

    private void planFailed(RuntimeException e) {
        busy.set(false);
        if (e instanceof AllocationException || e instanceof IllegalArgumentException) {
            message.set(e.getMessage());
        } else if (e instanceof RankscopeException re) {
            message.set(re.userMessage());
        } else {
            message.set("Planning failed: " + e);
        }
    }

    private void setPlan(Plan p, StrategyComparison cmp) {
        plan.set(p);
        comparison.set(cmp);
        rows.setAll(p == null ? List.of() : p.matrices());
        preview.planChanged(p);
    }

    // ---- import -----------------------------------------------------------------------------

    /** Shows an imported plan as it was saved (the export ViewModel read it). */
    private void applyImport(Path file, Plan p) {
        CheckpointModel cp = checkpoint.get();
        applyingImport = true;
        try {
            planScheduler.invalidate();
            busy.set(false);
            settings.apply(p);
            setPlan(p, null);
        } finally {
            applyingImport = false;
        }
        importedFrom.set(file);
        boolean sameModel = cp == null || p.source().path().isEmpty()
                || p.source().tensorCount() == 0 || p.source().tensorCount() == cp.opened().tensors().size();
        message.set("Imported " + file.getFileName() + " (" + p.strategyName() + ", " + p.budget().describe() + ")"
                + (sameModel ? "" : "; warning: it was made for " + p.source().path()
                + ", which has a different tensor count"));
    }

    // ---- properties ---------------------------------------------------------------------------

    /**
     * Sets one parameter of the current strategy (text from the form is parsed). An invalid value
     * leaves the parameters unchanged and shows the record's message.
     *
     * @return whether the value was accepted
     */
    public boolean setStrategyField(String field, Object value) {
        try {
            StrategyParameters p = settings.strategyProperty().get();
            settings.strategyProperty().set(p.description().with(p, Map.of(field, value)));
            return true;
        } catch (IllegalArgumentException e) {
            message.set(e.getMessage());
            return false;
        }
    }

    /** The controls: strategy, budget, scope, constraints, compared strategies. */
    public BudgetSettings settings() {
        return settings;
    }

    /** The checkpoint the tab plans for (the current selection's, else the first open one). */
    public ReadOnlyObjectProperty<CheckpointModel> checkpointProperty() {
        return checkpoint.getReadOnlyProperty();
    }

    /** The latest plan, or null. */
    public ReadOnlyObjectProperty<Plan> planProperty() {
        return plan.getReadOnlyProperty();
    }

    public Plan getPlan() {
        return plan.get();
    }

    /** The comparison at the current budget, or null when no strategy is picked for comparison. */
    public ReadOnlyObjectProperty<StrategyComparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }


    /** The plan's matrices for the table. Read-only for views. */
    public ObservableList<PlannedMatrix> rows() {
        return rows;
    }

    /** Solver notes, or why no plan could be made. */
    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Which checkpoint and how many spectra the plan uses. */
    public ReadOnlyStringProperty inputSummaryProperty() {
        return inputSummary.getReadOnlyProperty();
    }






    /**
     * Whether the checkpoint has fused q/k/v projections whose parts can be planned separately
     * ({@link BudgetSettings#fusedPartsProperty()}); the control is enabled only then.
     */
    public ReadOnlyBooleanProperty hasFusedPartsProperty() {
        return hasFusedParts.getReadOnlyProperty();
    }

    /** True while a re-plan is running. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    /** The file the shown plan was imported from, until the next control change; else null. */
    public ReadOnlyObjectProperty<Path> importedFromProperty() {
        return importedFrom.getReadOnlyProperty();
    }

    /** Dialogs, for the view's own file choosers' errors. */
    public DialogService dialogs() {
        return dialogs;
    }

    /** The reconstruction preview of the matrix selected in the plan table. */
    public BudgetPreviewViewModel preview() {
        return preview;
    }

    /** The plan's exports and the plan import. */
    /** Calibration, evaluation and quality vs size of the current model (issue "Model in the loop" §4). */
    public ModelLoopViewModel modelLoop() {
        return modelLoop;
    }

    public BudgetExportViewModel exports() {
        return exports;
    }

    /** The workbench's picture exporter (never onto or into an open checkpoint). */
    public dev.rankscope.views.charts.PictureExporter pictureExporter() {
        return workbench.pictureExporter();
    }
}
