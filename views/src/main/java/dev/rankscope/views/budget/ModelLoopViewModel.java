package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.model.CalibrateJob;
import dev.rankscope.application.model.CalibrateParameters;
import dev.rankscope.application.model.EvaluateJob;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.model.EvaluateResult;
import dev.rankscope.application.model.StatisticsCache;
import dev.rankscope.application.model.SweepJob;
import dev.rankscope.application.model.SweepParameters;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.model.TextDocuments;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.JobRun;
import dev.rankscope.views.workbench.CheckpointModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * The model in the loop on the Budget tab (issue "Model in the loop" §4): calibrate the current
 * model on a text (the folder's bundled {@code calibration.txt} by default; statistics cached on
 * disk by {@link StatisticsCache}), make the Budget's plans data-aware once statistics are loaded
 * (it supplies {@link DataAwareInputs} to the Budget ViewModel), evaluate the current plan
 * against the original (perplexity, KL, top-1 or embedding cosine) and run the quality-vs-size
 * sweep. Every run is a job ({@link CalibrateJob}, {@link EvaluateJob}, {@link SweepJob}) on the
 * {@link BackgroundRunner}: the UI never blocks, one run at a time, cancellable.
 *
 * <p>FX thread only; progress arrives through the UI executor.
 */
public final class ModelLoopViewModel {
    /** Kept fractions of the quality-vs-size sweep. */
    public static final List<Double> SWEEP_KEEPS = List.of(0.9, 0.8, 0.7, 0.6, 0.5);

    private final JobRun job;
    private final ReadOnlyObjectProperty<CheckpointModel> checkpoint;
    private final ReadOnlyObjectProperty<Plan> plan;
    private final ObjectProperty<StrategyParameters> strategy;
    private final javafx.beans.value.ObservableBooleanValue fusedParts;
    private final ObjectProperty<DataAwareInputs> dataAwareHook;
    private Path cacheFolder = StatisticsCache.defaultFolder();

    private final StringProperty calibrationText = new SimpleStringProperty("");
    private final StringProperty evaluationText = new SimpleStringProperty("");
    private final IntegerProperty seqLen = new SimpleIntegerProperty(CalibrateParameters.DEFAULT_SEQ_LEN);
    private final javafx.beans.property.LongProperty maxTokens =
            new javafx.beans.property.SimpleLongProperty(CalibrateParameters.DEFAULT_MAX_TOKENS);
    private final BooleanProperty dataAware = new SimpleBooleanProperty(true);
    private final ReadOnlyObjectWrapper<Path> statistics = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<EvaluateResult> evaluation = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SweepResult> sweep = new ReadOnlyObjectWrapper<>();

    ModelLoopViewModel(BackgroundRunner runner, Executor ui, ReadOnlyObjectProperty<CheckpointModel> checkpoint,
                       ReadOnlyObjectProperty<Plan> plan, ObjectProperty<StrategyParameters> strategy,
                       javafx.beans.value.ObservableBooleanValue fusedParts, ObjectProperty<DataAwareInputs> dataAwareHook) {
        this.job = new JobRun(runner, ui);
        this.checkpoint = checkpoint;
        this.plan = plan;
        this.strategy = strategy;
        this.fusedParts = fusedParts;
        this.dataAwareHook = dataAwareHook;
        checkpoint.addListener((o, a, b) -> checkpointChanged());
        dataAware.addListener((o, a, b) -> updateHook());
        statistics.addListener((o, a, b) -> updateHook());
        checkpointChanged();
    }

    /** Where calibration statistics are cached (tests and settings point it elsewhere). */
    public void setCacheFolder(Path folder) {
        this.cacheFolder = folder;
    }

    private void checkpointChanged() {
        cancel();
        statistics.set(null);
        evaluation.set(null);
        sweep.set(null);
        Path folder = modelFolder();
        calibrationText.set(bundled(folder, "calibration.txt"));
        String eval = bundled(folder, "eval.txt");
        evaluationText.set(eval.isEmpty() ? calibrationText.get() : eval);
        status.set(folder == null ? "" : calibrationText.get().isEmpty()
                ? "Pick a calibration text (UTF-8, documents separated by blank lines)." : "Ready to calibrate.");
    }

    private static String bundled(Path folder, String name) {
        return folder != null && Files.isRegularFile(folder.resolve(name)) ? folder.resolve(name).toString() : "";
    }

    /** The current checkpoint's model folder (the folder of a file), or null. */
    Path modelFolder() {
        CheckpointModel cp = checkpoint.get();
        if (cp == null) {
            return null;
        }
        Path p = cp.opened().path();
        return Files.isDirectory(p) ? p : p.getParent();
    }

    private void updateHook() {
        Path stats = statistics.get();
        dataAwareHook.set(stats != null && dataAware.get() ? (opened, inputs) -> dataAwareInputs(stats, opened, inputs) : null);
    }

    private static DataAwareTransforms.Applied dataAwareInputs(Path stats, dev.rankscope.application.workbench.OpenedCheckpoint opened,
                                                              List<dev.rankscope.analysis.allocation.AllocationInput> inputs) {
        try (TensorSource source = Checkpoints.open(opened.path())) {
            var backend = Backends.select(Backends.Preference.AUTO);
            return PlanJob.dataAware(inputs, source, stats, DataAwareParameters.of(DataAwareParameters.Method.SVD_LLM_WHITENING),
                    a -> backend.singularValues(a, dev.rankscope.engine.linalg.SvdBackend.Tolerance.DEFAULT));
        }
    }

    // ---- actions ------------------------------------------------------------------------------

    /** Calibrates the current model on {@link #calibrationTextProperty()} (or loads the cached statistics). */
    public void calibrate() {
        Path model = modelFolder();
        if (model == null || job.isRunning()) {
            return;
        }
        if (calibrationText.get().isBlank()) {
            status.set("Pick a calibration text first.");
            return;
        }
        Path text = Path.of(calibrationText.get());
        int l = seqLen.get();
        long cap = maxTokens.get();
        Path cache = cacheFolder;
        status.set("Calibrating " + model.getFileName() + " on " + text.getFileName() + "…");
        start(new JobTask<Path>("Calibrate " + model.getFileName()) {
            @Override
            protected Path compute() {
                Path target;
                try (ModelFolder folder = ModelFolder.open(model)) {
                    target = StatisticsCache.file(cache, folder, TextDocuments.read(text), l, cap);
                }
                if (Files.isRegularFile(target)) {
                    note("statistics from the cache");
                    return target;
                }
                runStep(new CalibrateJob().task(new CalibrateParameters(model, text, l, cap, target)));
                return target;
            }
        }, (Path stats) -> {
            statistics.set(stats);
            status.set("Statistics loaded (" + stats.getFileName() + "); data-aware plans use SVD-LLM whitening.");
        });
    }

    /** Evaluates the Budget's current plan against the original model on {@link #evaluationTextProperty()}. */
    public void evaluatePlan() {
        Path model = modelFolder();
        Plan p = plan.get();
        if (model == null || p == null || job.isRunning()) {
            status.set(p == null ? "No plan to evaluate yet." : status.get());
            return;
        }
        if (evaluationText.get().isBlank()) {
            status.set("Pick an evaluation text first.");
            return;
        }
        Path text = Path.of(evaluationText.get());
        Path stats = statistics.get();
        int l = seqLen.get();
        long cap = maxTokens.get();
        status.set("Evaluating the plan (" + p.strategyName() + ", " + p.budget().describe() + ")…");
        start(new JobTask<EvaluateResult>("Evaluate plan") {
            @Override
            protected EvaluateResult compute() {
                Path planFile = temporaryPlan(p);
                try {
                    return runStep(new EvaluateJob().task(new EvaluateParameters(model, text, planFile,
                            null, stats, l, cap, null)));
                } finally {
                    deleteQuietly(planFile);
                }
            }
        }, (EvaluateResult r) -> {
            evaluation.set(r);
            status.set(summary(r));
        });
    }

    /** Quality vs size: the current strategy (and its data-aware variant when statistics are loaded) × {@link #SWEEP_KEEPS}. */
    public void runSweep() {
        SweepParameters sp = sweepParameters();
        if (sp == null || job.isRunning()) {
            return;
        }
        status.set("Quality vs size: " + sp.strategies().size() * sp.keeps().size() + " compressed models"
                + (sp.fusedParts() ? " (q/k/v parts planned separately)" : "") + "…");
        start(new SweepJob().task(sp), (SweepResult r) -> {
            sweep.set(r);
            status.set("Quality vs size: " + r.points().size() + " models evaluated"
                    + (r.fusedParts() ? " (q/k/v parts planned separately)." : "."));
        });
    }

    /**
     * What {@link #runSweep()} would run now: the current strategy (and its {@code @svd-llm} variant
     * once statistics are loaded) × {@link #SWEEP_KEEPS}, the q/k/v parts planned separately when the
     * Budget's plans do; null without a model or an evaluation text.
     */
    public SweepParameters sweepParameters() {
        Path model = modelFolder();
        if (model == null || evaluationText.get().isBlank()) {
            return null;
        }
        List<String> strategies = new ArrayList<>();
        String name = strategy.get().strategyName();
        strategies.add(name);
        if (statistics.get() != null) {
            strategies.add(name + "@svd-llm");
        }
        return new SweepParameters(model, Path.of(evaluationText.get()), statistics.get(), strategies, SWEEP_KEEPS,
                seqLen.get(), maxTokens.get(), fusedParts.get());
    }

    /** Cancels the running calibration, evaluation or sweep (it stops at its next check). */
    public void cancel() {
        job.cancel();
    }

    private <T> void start(JobTask<T> task, java.util.function.Consumer<T> onSuccess) {
        job.of(task).about(modelFolder())
                .onSuccess(onSuccess)
                .onCancel(() -> status.set("Cancelled; nothing was written."))
                .onFailure(status::set)
                .start();
    }

    private static Path temporaryPlan(Plan p) {
        try {
            Path f = Files.createTempFile("rankscope-plan-", ".json");
            Files.delete(f);
            PlanJson.write(p, f, AtomicFileWriter.unprotected());
            return f;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write a temporary plan file", e);
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a temporary plan in the system temp folder
        }
    }

    /** One line for the status: the figures of an evaluation. */
    static String summary(EvaluateResult r) {
        if (r.cosine() != null) {
            return String.format(Locale.ROOT, "Embeddings vs original: cosine mean %.5f, min %.5f, 5th percentile %.5f",
                    r.cosine().mean(), r.cosine().min(), r.cosine().percentile5());
        }
        String s = String.format(Locale.ROOT, "Perplexity %.3f (original %.3f), mean KL %.5f, top-1 agreement %.1f %%",
                r.compressed().perplexity(), r.original().perplexity(), r.meanKl(), 100 * r.top1Agreement());
        if (r.activationError() != null) {
            s += String.format(Locale.ROOT, "; activation-space error %.4f", r.activationError().total());
        }
        return s;
    }

    // ---- properties ---------------------------------------------------------------------------

    public StringProperty calibrationTextProperty() {
        return calibrationText;
    }

    public StringProperty evaluationTextProperty() {
        return evaluationText;
    }

    /** Token cap of calibration and evaluation runs. */
    public javafx.beans.property.LongProperty maxTokensProperty() {
        return maxTokens;
    }

    public IntegerProperty seqLenProperty() {
        return seqLen;
    }

    /** Whether the Budget's plans use the loaded statistics (ignored until statistics are loaded). */
    public BooleanProperty dataAwareProperty() {
        return dataAware;
    }

    public ReadOnlyObjectProperty<Path> statisticsProperty() {
        return statistics.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return job.runningProperty();
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return job.progressProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<EvaluateResult> evaluationProperty() {
        return evaluation.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SweepResult> sweepProperty() {
        return sweep.getReadOnlyProperty();
    }
}
