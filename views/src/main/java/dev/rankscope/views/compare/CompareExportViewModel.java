package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderExport;
import dev.rankscope.analysis.intruders.IntruderMitigation;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.MitigatedCheckpoint;
import dev.rankscope.application.intruders.ComparisonInputs;
import dev.rankscope.application.intruders.IntrudersJob;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.fx.BackgroundRunner;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Compare tab's exports (SPEC §3): the rankscope-intruders JSON and CSV at the live (k, ε) —
 * {@link IntruderExport}, as {@code rankscope intruders --json/--csv} writes them — and PEFT's
 * mitigation as a merged safetensors checkpoint, a cancellable task of {@link IntrudersJob}. Every
 * file goes through the one protection rule ({@link ProtectedInputs}: never onto or into an input).
 *
 * <p>Depends on the comparison's observable state only (report, parameters, paths, the opened
 * inputs), not on the workbench. FX thread only.
 */
public final class CompareExportViewModel {
    private final CompareServices services;
    private final BackgroundRunner runner;
    private final ObservableValue<IntruderReport> report;
    private final ObservableValue<IntruderParameters> parameters;
    private final ObservableValue<Path> basePath;
    private final ObservableValue<Path> tunedPath;
    private final Supplier<ComparisonInputs> session;
    private final ObservableBooleanValue running;
    private final Consumer<String> message;
    private final Consumer<AbstractTask> track;

    private final DoubleProperty lambda = new SimpleDoubleProperty(IntruderMitigation.DEFAULT_LAMBDA);
    private final ReadOnlyBooleanWrapper mitigating = new ReadOnlyBooleanWrapper();
    private JobTask<MitigatedCheckpoint.Result> mitigationTask;

    /**
     * @param services   the mitigation task
     * @param runner     runs writes and tasks, applies outcomes, words failures
     * @param report     the comparison's report at the live (k, ε)
     * @param parameters the live (k, ε)
     * @param basePath   the chosen base
     * @param tunedPath  the chosen tuned side
     * @param session    the opened inputs of the comparison, or null
     * @param running    true while the comparison runs
     * @param message    the tab's one-line status
     * @param track      shows a task in the task panel
     */
    public CompareExportViewModel(CompareServices services, BackgroundRunner runner, ObservableValue<IntruderReport> report,
                                  ObservableValue<IntruderParameters> parameters, ObservableValue<Path> basePath,
                                  ObservableValue<Path> tunedPath, Supplier<ComparisonInputs> session,
                                  ObservableBooleanValue running, Consumer<String> message, Consumer<AbstractTask> track) {
        this.services = Objects.requireNonNull(services);
        this.runner = Objects.requireNonNull(runner);
        this.report = report;
        this.parameters = parameters;
        this.basePath = basePath;
        this.tunedPath = tunedPath;
        this.session = session;
        this.running = running;
        this.message = message;
        this.track = track;
    }

    /** Writes the rankscope-intruders JSON (the CLI's {@code --json}) at the current (k, ε), atomically. */
    public void exportJson(Path target) {
        export(target, "JSON", r -> IntruderExport.toJson(r, parameters.getValue()));
    }

    /** Writes the CSV (the CLI's {@code --csv}) at the current (k, ε), atomically. */
    public void exportCsv(Path target) {
        export(target, "CSV", r -> IntruderExport.toCsv(r, parameters.getValue()));
    }

    private void export(Path target, String kind, Function<IntruderReport, String> render) {
        IntruderReport r = report.getValue();
        if (r == null || r.matrices().isEmpty()) {
            message.accept("Nothing to export yet");
            return;
        }
        String text = render.apply(r);
        List<Path> inputs = inputs();
        runner.work(() -> {
                    ProtectedInputs.writer(inputs).writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
                    return target;
                })
                .onSuccess(t -> message.accept("Wrote " + kind + " " + t))
                .onFailure("Cannot export " + kind, target)
                .start();
    }

    /**
     * The comparison's inputs no export may write onto or into: the chosen paths (a side not
     * chosen yet adds nothing) and, once opened, every file either side reads
     * ({@link IntrudersJob#inputs}). Cheap (no disk access); FX thread.
     */
    public List<Path> inputs() {
        List<Path> inputs = new ArrayList<>();
        for (Path chosen : new Path[] {basePath.getValue(), tunedPath.getValue()}) {
            if (chosen != null) {
                inputs.add(chosen);
            }
        }
        ComparisonInputs opened = session.get();
        if (opened != null) {
            inputs.addAll(IntrudersJob.inputs(opened));
        }
        return inputs;
    }

    /**
     * Exports PEFT's mitigation ({@code W_t + (λ−1)·U_IΣ_IV_Iᵀ} for the intruders I at the current
     * (k, ε), SPEC §3) as a merged safetensors checkpoint at {@code target}: a cancellable task in
     * the task panel, written atomically (a cancelled or failed export leaves nothing behind).
     */
    public void exportMitigated(Path target) {
        ComparisonInputs in = session.get();
        if (in == null || running.get()) {
            message.accept(in == null ? "Compare a pair first" : "Wait until the comparison has finished");
            return;
        }
        if (mitigating.get()) {
            message.accept("A mitigated checkpoint is already being written");
            return;
        }
        double l = lambda.get();
        if (!(l >= 0) || Double.isInfinite(l)) {
            runner.showError("Cannot export the mitigated checkpoint", "λ must be finite and ≥ 0, got " + l);
            return;
        }
        JobTask<MitigatedCheckpoint.Result> t = services.mitigationTask(in, parameters.getValue(), l, target);
        mitigationTask = t;
        mitigating.set(true);
        track.accept(t);
        message.accept("Writing mitigated checkpoint " + BackgroundRunner.fileName(target) + "…");
        runner.task(t)
                .onSuccess(result -> {
                    ended(t);
                    message.accept(String.format(Locale.ROOT,
                            "Wrote %s: %d matrices with intruder directions scaled by λ = %s", target,
                            result.scaledRanks().size(), l));
                })
                .onCancel(() -> {
                    ended(t);
                    message.accept("Cancelled the mitigated checkpoint; nothing was written");
                })
                .onFailure("Cannot write " + BackgroundRunner.fileName(target), target)
                .onFailureSentence(text -> {
                    ended(t);
                    message.accept("The mitigated checkpoint was not written");
                })
                .start();
    }

    private void ended(JobTask<MitigatedCheckpoint.Result> t) {
        if (t == mitigationTask) {
            mitigationTask = null;
            mitigating.set(false);
        }
    }

    /** Cancels a running mitigation export (nothing is left behind). */
    public void cancel() {
        if (mitigationTask != null && !mitigationTask.status().isTerminal()) {
            mitigationTask.cancel();
        }
    }

    /** λ ≥ 0: the scale of the intruder directions in the mitigated checkpoint. */
    public DoubleProperty lambdaProperty() {
        return lambda;
    }

    /** True while the mitigated checkpoint is being written. */
    public ReadOnlyBooleanProperty mitigatingProperty() {
        return mitigating.getReadOnlyProperty();
    }
}
