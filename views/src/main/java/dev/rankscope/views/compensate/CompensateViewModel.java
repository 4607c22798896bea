package dev.rankscope.views.compensate;

import dev.rankscope.analysis.quant.ErrorSpace;
import dev.rankscope.analysis.quant.QuantErrorSpectrum;
import dev.rankscope.application.compensate.CompensateJob;
import dev.rankscope.application.compensate.CompensateParameters;
import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.application.compensate.CompensationRanks;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.views.service.DialogService;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * State of the Quantize/Compensate tab (issue 16). The tab runs the same {@link CompensateJob} as
 * {@code rankscope compensate}: <b>Analyse</b> snapshots the form into {@link CompensateParameters}
 * without an output folder (error spectra only), the <b>budget slider</b> re-chooses ranks on those
 * spectra with {@link CompensationRanks} (the job's own rule, no recomputation), and <b>Export</b>
 * runs the job with the slider's budget and an output folder (adapter written and verified).
 * Work runs on the injected executor and is applied on the UI executor only while still the latest
 * request ({@link LatestResultScheduler}). FX thread only; tests use same-thread executors.
 */
public final class CompensateViewModel {

    /**
     * One table row: a matrix's error and its compensation at the current budget and target;
     * {@code note} says why a matrix is not compensated, or how an embedding table is, else empty.
     */
    public record Row(String id, int layer, String module, String shape, double relativeError, double effectiveRank,
                      int rankForTarget, int rank, double residual, boolean compensated, String note) { }

    private final Function<CompensateParameters, JobTask<CompensateResult>> jobs;
    private final DialogService dialogs;
    private final LatestResultScheduler scheduler;
    private final LatestResultScheduler exports;

    private final ObjectProperty<Path> base = new SimpleObjectProperty<>();
    private final StringProperty scheme = new SimpleStringProperty("int4-g128");
    private final ObjectProperty<Path> quantizedFile = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> stats = new SimpleObjectProperty<>();
    private final ObjectProperty<CompensateParameters.Method> method = new SimpleObjectProperty<>(CompensateParameters.Method.SVD);
    private final LongProperty budget = new SimpleLongProperty(0);
    private final DoubleProperty targetError = new SimpleDoubleProperty(0.01);
    private final BooleanProperty running = new SimpleBooleanProperty(false);
    private final ReadOnlyObjectWrapper<CompensateResult> analysis = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Map<String, Integer>> ranks = new ReadOnlyObjectWrapper<>(Map.of());
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(
            "Analyse quantizes the base with the scheme and measures each matrix's error E = W − Q(W).");
    private final ReadOnlyObjectWrapper<CompensateResult> exported = new ReadOnlyObjectWrapper<>();
    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ObjectProperty<String> selected = new SimpleObjectProperty<>();

    /** A ViewModel running the production job. */
    public CompensateViewModel(DialogService dialogs, Executor work, Executor ui) {
        this(p -> new CompensateJob().task(p), dialogs, work, ui);
    }

    /** A ViewModel with its job replaced (tests). */
    public CompensateViewModel(Function<CompensateParameters, JobTask<CompensateResult>> jobs, DialogService dialogs,
                               Executor work, Executor ui) {
        this.jobs = jobs;
        this.dialogs = dialogs;
        this.scheduler = new LatestResultScheduler(work, ui);
        this.exports = new LatestResultScheduler(work, ui);
        budget.addListener((o, a, b) -> rechoose());
        targetError.addListener((o, a, b) -> rechoose());
    }

    public ObjectProperty<Path> baseProperty() {
        return base;
    }

    public StringProperty schemeProperty() {
        return scheme;
    }

    /** A quantized model to compare with instead of quantizing in-tool (null for in-tool). */
    public ObjectProperty<Path> quantizedFileProperty() {
        return quantizedFile;
    }

    public ObjectProperty<Path> statsProperty() {
        return stats;
    }

    public ObjectProperty<CompensateParameters.Method> methodProperty() {
        return method;
    }

    /** Added LoRA parameters allowed (the slider). */
    public LongProperty budgetProperty() {
        return budget;
    }

    /** The residual ‖E − C‖/‖W‖ the "rank needed" column aims for. */
    public DoubleProperty targetErrorProperty() {
        return targetError;
    }

    public BooleanProperty runningProperty() {
        return running;
    }

    public ReadOnlyObjectProperty<CompensateResult> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    /** Ranks at the current budget, by matrix id. */
    public ReadOnlyObjectProperty<Map<String, Integer>> ranksProperty() {
        return ranks.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The result of the last export. */
    public ReadOnlyObjectProperty<CompensateResult> exportedProperty() {
        return exported.getReadOnlyProperty();
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    /** The matrix whose error spectrum is shown. */
    public ObjectProperty<String> selectedProperty() {
        return selected;
    }

    /** The space ranks are chosen in (activation with EoRA). */
    public ErrorSpace space() {
        return method.get() == CompensateParameters.Method.EORA ? ErrorSpace.ACTIVATION : ErrorSpace.WEIGHT;
    }

    /** Largest useful slider value: every compensated matrix at rank min(m, n)/4. */
    public long maxBudget() {
        return maxBudget(analysis.get());
    }

    private static long maxBudget(CompensateResult r) {
        if (r == null) {
            return 0;
        }
        return r.matrices().stream().filter(CompensateResult.MatrixRow::compensated)
                .mapToLong(m -> (long) Math.max(1, Math.min(m.rows(), m.cols()) / 4) * (m.rows() + m.cols())).sum();
    }

    /** Snapshot of the form for a run (analysis only when {@code out} is null). */
    CompensateParameters parameters(Path out, long budgetParams) {
        Path b = base.get();
        if (b == null) {
            throw new IllegalArgumentException("choose a base model first");
        }
        Path q = quantizedFile.get();
        return new CompensateParameters(b.toString(), q == null ? scheme.get() : null, q == null ? null : q.toString(),
                stats.get() == null ? null : stats.get().toString(), method.get(),
                out == null ? CompensateParameters.Selection.RANK : CompensateParameters.Selection.BUDGET, 0, 0,
                Long.toString(budgetParams), null, CompensateParameters.DEFAULT_DAMPING,
                out == null ? null : out.toString(), "auto", null);
    }

    /** Computes the error spectra of the form's models (no files written). */
    public void analyse() {
        CompensateParameters p;
        try {
            p = parameters(null, 0);
        } catch (IllegalArgumentException e) {
            dialogs.showError("Quantize/Compensate", e.getMessage());
            return;
        }
        running.set(true);
        status.set("Analysing " + p.base() + " …");
        scheduler.submit(() -> jobs.apply(p).runHere(), r -> {
            running.set(false);
            long max = maxBudget(r);
            if (budget.get() == 0 || budget.get() > max) {
                budget.set(max / 4);
            }
            analysis.set(r);
            long skipped = r.matrices().stream().filter(m -> !m.compensated()).count();
            List<String> lines = new java.util.ArrayList<>(r.notes());
            lines.addAll(r.skippedLines());
            status.set(String.format(Locale.ROOT, "%d matrices paired, quantization %s; mean ‖E‖/‖W‖ %.3f%%%s%s",
                    r.matrices().size(), r.quantization(),
                    100 * r.matrices().stream().mapToDouble(CompensateResult.MatrixRow::relativeError).average().orElse(0),
                    skipped == 0 ? "" : "; " + skipped + " not compensated (see the note column)",
                    lines.isEmpty() ? "" : "\n" + String.join("\n", lines)));
            rechoose();
            if (selected.get() == null && !r.matrices().isEmpty()) {
                selected.set(r.matrices().get(0).id());
            }
        }, this::failed);
    }

    /** Writes the adapter for the current budget into {@code folder} (the job verifies it on reload). */
    public void export(Path folder) {
        if (analysis.get() == null) {
            dialogs.showError("Quantize/Compensate", "analyse the model before exporting");
            return;
        }
        CompensateParameters p;
        try {
            p = parameters(folder, budget.get());
        } catch (IllegalArgumentException e) {
            dialogs.showError("Quantize/Compensate", e.getMessage());
            return;
        }
        running.set(true);
        status.set("Exporting to " + folder + " …");
        exports.submit(() -> jobs.apply(p).runHere(), r -> {
            running.set(false);
            exported.set(r);
            status.set(r.verified() ? "Wrote " + r.files().size() + " files to " + folder + " (verified on reload, "
                    + r.addedParams() + " LoRA parameters)" : "Export failed its verification; nothing written");
        }, this::failed);
    }

    private void failed(RuntimeException e) {
        running.set(false);
        String message = e instanceof RankscopeException re ? re.userMessage() : String.valueOf(e.getMessage());
        status.set(message);
        dialogs.showError("Quantize/Compensate", message);
    }

    /** Re-chooses ranks on the analysed spectra for the slider's budget and refreshes the rows. */
    private void rechoose() {
        CompensateResult r = analysis.get();
        if (r == null) {
            return;
        }
        List<QuantErrorSpectrum> spectra = CompensationRanks.spectra(r);
        ErrorSpace space = space();
        Map<String, Integer> chosen = CompensationRanks.choose(spectra, CompensateParameters.Selection.BUDGET, 0, 0,
                Long.toString(budget.get()), CompensateParameters.DEFAULT_STRATEGY, space, n -> { });
        Map<String, QuantErrorSpectrum> byId = new java.util.HashMap<>();
        spectra.forEach(s -> byId.put(s.id(), s));
        rows.setAll(r.matrices().stream().map(m -> {
            QuantErrorSpectrum s = byId.get(m.id());
            int k = chosen.getOrDefault(m.id(), 0);
            return new Row(m.id(), m.layer(), m.moduleType(), m.shapeString(), m.relativeError(), m.errorEffectiveRank(),
                    s == null ? 0 : s.rankForTarget(targetError.get(), ErrorSpace.WEIGHT), k,
                    s == null ? m.relativeError() : s.relativeResidual(k, ErrorSpace.WEIGHT), m.compensated(),
                    m.note());
        }).toList());
        ranks.set(chosen);   // after the rows, so bindings on the ranks see the new rows
    }

    /** σ(E) of a matrix (weight space), for the spectrum chart; empty when unknown. */
    public double[] errorSigma(String id) {
        CompensateResult r = analysis.get();
        if (r == null || id == null) {
            return new double[0];
        }
        return r.matrices().stream().filter(m -> m.id().equals(id)).findFirst()
                .map(CompensateResult.MatrixRow::errorSigma).orElse(new double[0]);
    }
}
