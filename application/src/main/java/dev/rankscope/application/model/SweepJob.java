package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.DataAwareness;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.runtime.ModelFolder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Quality vs size (issue "Model in the loop" §3): plans every strategy × kept fraction on the
 * model's spectra (weights only, or σ(W·S) for {@code name@method} strategies; whole matrices, or
 * the q/k/v parts of fused projections with {@link SweepParameters#fusedParts()}) exactly as
 * {@code rankscope plan} does ({@link PlanInputs}), evaluates each
 * compressed model with {@link EvaluateJob} exactly as {@code evaluate --plan} would, plus the
 * original once. The plot every paper in this field draws, as one job.
 */
public final class SweepJob implements Job<SweepParameters, SweepResult> {
    private final SvdBackend backend;

    public SweepJob() {
        this(Backends.select(Backends.Preference.AUTO));
    }

    public SweepJob(SvdBackend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public JobTask<SweepResult> task(SweepParameters p) {
        return new JobTask<>("Quality vs size of " + p.model().getFileName()) {
            @Override
            protected SweepResult compute() {
                return SweepJob.this.run(p, this);
            }
        };
    }

    private SweepResult run(SweepParameters p, JobTask<SweepResult> task) {
        List<String[]> strategies = new ArrayList<>();
        DataAwareParameters method = null;
        for (String s : p.strategies()) {
            String[] parts = s.trim().split("@", 2);
            if (parts.length == 2) {
                DataAwareParameters m;
                try {
                    m = DataAwareParameters.of(DataAwareness.method(parts[1]));
                } catch (IllegalArgumentException e) {
                    throw new ModelInputException(e.getMessage());
                }
                if (method != null && method.method() != m.method()) {
                    throw new ModelInputException("one sweep uses one data-aware method; got both "
                            + DataAwareness.methodName(method.method()) + " and " + parts[1]);
                }
                method = m;
            }
            strategies.add(parts);
        }
        int total = strategies.size() * p.keeps().size() + 1;
        task.progress(0, "spectra");
        PlanInputs inputs;
        String kind;
        try (ModelFolder folder = ModelFolder.open(p.model())) {
            kind = folder.config().architecture().isCausal() ? "causal-lm" : "encoder";
            inputs = PlanInputs.compute(folder.weights(), backend, method == null ? null : p.statistics(),
                    method == null ? DataAwareParameters.of(DataAwareParameters.Method.SVD_LLM_WHITENING) : method,
                    p.fusedParts(), (i, n) -> {
                        task.checkCancelled();
                        task.progress(0.1 * i / Math.max(1, n), "spectrum " + (i + 1) + " of " + n);
                    });
            // PlanInputs keeps reading through the folder's source; plans are made while it is open
            List<Plan> plans = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String[] s : strategies) {
                for (double keep : p.keeps()) {
                    plans.add(inputs.plan(s[0], keep, s.length == 2));
                    names.add(String.join("@", s));
                }
            }
            EvaluateParameters base = new EvaluateParameters(p.model(), p.text(), null, null, p.statistics(), p.seqLen(),
                    p.maxTokens(), null);
            EvaluateResult orig = evaluate(base, task, 0, total);
            SweepResult.Point original = point("original", 1, 1, totalParams(plans), orig, Double.NaN, orig);
            List<SweepResult.Point> points = new ArrayList<>();
            Path dir = tempDir();
            try {
                for (int i = 0; i < plans.size(); i++) {
                    Plan plan = plans.get(i);
                    Path file = dir.resolve("plan-" + i + ".json");
                    PlanJson.write(plan, file, AtomicFileWriter.unprotected());
                    EvaluateResult r = evaluate(base.withPlan(file), task, i + 1, total);
                    double keep = p.keeps().get(i % p.keeps().size());
                    points.add(point(names.get(i), keep, plan.totals().keptFraction(), plan.totals().paramsAfter(), r,
                            plan.totals().relativeError(), orig));
                }
            } finally {
                deleteTree(dir);
            }
            return new SweepResult(kind, folder.path().toString(), original, points, inputs.fusedParts());
        }
    }

    private EvaluateResult evaluate(EvaluateParameters ep, JobTask<SweepResult> task, int index, int total) {
        JobTask<EvaluateResult> t = new EvaluateJob(backend).task(ep);
        t.addListener(pr -> {
            if (task.isCancelled()) {
                t.cancel();
            }
            task.progress(0.1 + 0.9 * (index + pr.fraction()) / total,
                    (index == 0 ? "original" : "point " + index + " of " + (total - 1)) + ": " + pr.message());
        });
        return runNested(t, task);
    }

    /** Runs a sub-task on this thread, forwarding the outer task's cancel. */
    private static <R> R runNested(JobTask<R> inner, JobTask<?> outer) {
        outer.checkCancelled();
        R r = inner.runHere();
        outer.checkCancelled();
        return r;
    }

    private static SweepResult.Point point(String strategy, double keep, double kept, long params, EvaluateResult r,
                                           double planError, EvaluateResult orig) {
        boolean causal = "causal-lm".equals(r.kind());
        EvaluateResult.Quality q = r.compressed() != null ? r.compressed() : r.original();
        return new SweepResult.Point(strategy, keep, kept, params,
                causal ? q.perplexity() : Double.NaN, causal ? q.meanNll() : Double.NaN,
                r.meanKl(), r.top1Agreement(), r.cosine() == null ? (causal ? Double.NaN : 1) : r.cosine().mean(),
                planError, r.activationError() == null ? Double.NaN : r.activationError().total());
    }

    private static long totalParams(List<Plan> plans) {
        return plans.isEmpty() ? 0 : plans.get(0).totals().paramsBefore();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("rankscope-sweep-");
        } catch (IOException e) {
            throw new ModelInputException("cannot create a temporary folder for the sweep's plans (" + e.getMessage() + ")");
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // temporary plans in the system temp folder; nothing more to do
        }
    }
}
