package dev.rankscope.views.compensate;

import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.application.compensate.CompensationCurveJob;
import dev.rankscope.application.compensate.CompensationCurveParameters;
import dev.rankscope.application.compensate.CompensationCurveResult;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.model.EvaluateJob;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.model.EvaluateResult;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.JobRun;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The Evaluate panel of the Quantize tab (issue 16 §5): after an export, the original model, the
 * quantized model and the quantized model + its compensation adapter on a text — embedding cosine to
 * the original for encoders, perplexity (with KL and top-1 agreement) for causal LMs. One run is two
 * {@link EvaluateJob} tasks, {@code --quantized Q} and {@code --quantized Q --adapter A}, inside one
 * cancellable {@link JobTask} on the {@link BackgroundRunner} ({@link JobRun}): progress 0–½ then ½–1, cancel stops the
 * running inner task at its next check, the UI never waits. The quality-vs-rank curve
 * ({@link #curve}) runs the {@link CompensationCurveJob} the same way. FX thread only.
 */
public final class CompensationEvaluationViewModel {
    /** Both evaluations of one run: the quantized model and the quantized model + compensation. */
    public record Comparison(EvaluateResult quantized, EvaluateResult compensated) {
        /** One line for the panel. */
        public String summary() {
            if (quantized.cosine() != null && compensated.cosine() != null) {
                return String.format(Locale.ROOT, "Embedding cosine to the original (%d sentences): quantized %.6f"
                        + " (min %.6f) · quantized + compensation %.6f (min %.6f)", quantized.cosine().sentences(),
                        quantized.cosine().mean(), quantized.cosine().min(), compensated.cosine().mean(),
                        compensated.cosine().min());
            }
            if (quantized.compressed() != null && compensated.compressed() != null) {
                return String.format(Locale.ROOT, "Perplexity (%,d tokens): original %.4f · quantized %.4f (KL %.5f)"
                        + " · quantized + compensation %.4f (KL %.5f)", quantized.original().tokensScored(),
                        quantized.original().perplexity(), quantized.compressed().perplexity(), quantized.meanKl(),
                        compensated.compressed().perplexity(), compensated.meanKl());
            }
            return "The model produced neither embeddings nor next-token scores to compare.";
        }
    }

    private final JobRun job;
    private final Function<EvaluateParameters, JobTask<EvaluateResult>> jobs;

    private final StringProperty text = new SimpleStringProperty("");
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("Export an adapter, then evaluate it here.");
    private final ReadOnlyObjectWrapper<Comparison> comparison = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<CompensationCurveResult> curve = new ReadOnlyObjectWrapper<>();

    /** A panel running the production evaluate job. */
    public CompensationEvaluationViewModel(BackgroundRunner runner, Executor ui) {
        this(runner, ui, p -> new EvaluateJob().task(p));
    }

    /** A panel with its job replaced (tests). */
    public CompensationEvaluationViewModel(BackgroundRunner runner, Executor ui,
                                           Function<EvaluateParameters, JobTask<EvaluateResult>> jobs) {
        this.job = new JobRun(runner, ui);
        this.jobs = jobs;
    }

    /**
     * A new export: forgets the last comparison and, when the text is empty, proposes the base model
     * folder's {@code eval.txt} (the bundled samples have one).
     */
    public void exported(CompensateResult r) {
        cancel();
        comparison.set(null);
        curve.set(null);
        if (r == null || r.files().isEmpty()) {
            status.set("Export an adapter, then evaluate it here.");
            return;
        }
        if (text.get().isBlank()) {
            Path folder = folder(Path.of(r.parameters().base()));
            if (folder != null && Files.isRegularFile(folder.resolve("eval.txt"))) {
                text.set(folder.resolve("eval.txt").toString());
            }
        }
        status.set("Ready: evaluate the original, the quantized and the compensated model on the text.");
    }

    private static Path folder(Path base) {
        return Files.isDirectory(base) ? base : base.toAbsolutePath().getParent();
    }

    /**
     * Evaluates the exported run {@code r} (its base must be a Hugging Face model folder, or a file in
     * one): quantized, then quantized + compensation, each against the original.
     */
    public void evaluate(CompensateResult r) {
        if (!ready(r)) {
            return;
        }
        Path model = Path.of(r.parameters().base());
        Path textFile = Path.of(text.get().strip());
        Path quantized = r.quantizedModel();
        Path adapter = Path.of(r.parameters().out());
        JobTask<Comparison> task = new JobTask<>("Evaluate compensation") {
            @Override
            protected Comparison compute() {
                EvaluateResult q = runStep(jobs.apply(evaluation(model, textFile, quantized, null)), 0, 0.5, "quantized");
                EvaluateResult c = runStep(jobs.apply(evaluation(model, textFile, quantized, adapter)), 0.5, 1,
                        "quantized + compensation");
                return new Comparison(q, c);
            }
        };
        comparison.set(null);
        status.set("Evaluating on " + textFile.getFileName() + " …");
        job.of(task).about(model)
                .onMessage(m -> status.set("Evaluating: " + m))
                .onSuccess(c -> {
                    comparison.set(c);
                    status.set(c.summary());
                })
                .onCancel(() -> status.set("Evaluation cancelled."))
                .onFailure(status::set)
                .start();
    }

    /** Whether a run of {@code r} can start now; if not, the status says why (nothing when one is running). */
    private boolean ready(CompensateResult r) {
        if (job.isRunning()) {
            return false;
        }
        if (r == null || r.files().isEmpty() || r.quantizedModel() == null) {
            status.set("Export an adapter first: the evaluation runs the quantized model with and without it.");
            return false;
        }
        if (text.get().isBlank()) {
            status.set("Pick an evaluation text first (one sentence per line for encoders).");
            return false;
        }
        return true;
    }

    /**
     * The quality-vs-rank curve of the exported run {@code r} ({@link CompensationCurveJob}): the adapter
     * cut to ranks 0, 1, 2, 4, … up to its largest module rank, each evaluated against the original.
     */
    public void curve(CompensateResult r) {
        if (!ready(r)) {
            return;
        }
        int maxRank = r.matrices().stream().mapToInt(CompensateResult.MatrixRow::rank).max().orElse(0);
        if (maxRank == 0) {
            status.set("The exported adapter compensates nothing (every rank is 0): there is no curve to draw.");
            return;
        }
        Path model = Path.of(r.parameters().base());
        Path textFile = Path.of(text.get().strip());
        CompensationCurveParameters p = new CompensationCurveParameters(
                evaluation(model, textFile, r.quantizedModel(), Path.of(r.parameters().out())),
                CompensationCurveParameters.doublingRanks(maxRank));
        curve.set(null);
        status.set("Quality vs rank on " + textFile.getFileName() + ", ranks " + p.ranks() + " …");
        job.of(new CompensationCurveJob(jobs).task(p)).about(model)
                .onMessage(m -> status.set("Quality vs rank: " + m))
                .onSuccess(c -> {
                    curve.set(c);
                    status.set(summary(c));
                })
                .onCancel(() -> status.set("Quality vs rank cancelled."))
                .onFailure(status::set)
                .start();
    }

    /** The curve as one line: the quality at each rank. */
    static String summary(CompensationCurveResult c) {
        StringBuilder sb = new StringBuilder(c.causal() ? "Perplexity (KL to the original) by rank, original "
                + String.format(Locale.ROOT, "%.4f", c.originalPerplexity()) + ":" : "Mean (smallest) cosine by rank:");
        for (CompensationCurveResult.Point p : c.points()) {
            sb.append(p.rank() == 0 ? " quantized " : " · " + p.rank() + " ");
            sb.append(c.causal() ? String.format(Locale.ROOT, "%.4f (%.5f)", p.perplexity(), p.evaluation().meanKl())
                    : String.format(Locale.ROOT, "%.6f (%.6f)", p.cosineMean(), p.cosineMin()));
        }
        return sb.toString();
    }

    private static EvaluateParameters evaluation(Path model, Path text, Path quantized, Path adapter) {
        return new EvaluateParameters(model, text, null, null, null, EvaluateParameters.DEFAULT_SEQ_LEN,
                EvaluateParameters.DEFAULT_MAX_TOKENS, null, quantized, adapter);
    }

    /** Cancels a running evaluation (it stops at the forward pass's next check). */
    public void cancel() {
        job.cancel();
    }

    /** The evaluation text: one sentence per line (encoders), documents separated by blank lines (causal LMs). */
    public StringProperty textProperty() {
        return text;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return job.runningProperty();
    }

    /** 0..1 over both evaluations. */
    public ReadOnlyDoubleProperty progressProperty() {
        return job.progressProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** The last finished quality-vs-rank curve, or null. */
    public ReadOnlyObjectProperty<CompensationCurveResult> curveProperty() {
        return curve.getReadOnlyProperty();
    }

    /** The last finished comparison, or null. */
    public ReadOnlyObjectProperty<Comparison> comparisonProperty() {
        return comparison.getReadOnlyProperty();
    }
}
