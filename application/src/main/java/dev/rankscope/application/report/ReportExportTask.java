package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.job.MatrixFailure;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.workbench.AnalysisSink;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.application.workbench.WorkbenchServices;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * File ▸ Export report…: waits for the workbench's running analysis of the checkpoint (if any) to
 * end, computes the spectra the session still does not have (only those), then
 * renders the same self-contained HTML as {@code rankscope report} ({@link HtmlReport}) and writes
 * it atomically. Progress: 0…0.8 while computing (one step per matrix), then rendering. Cancels
 * between matrices (the inner analysis task is cancelled with this one) and before rendering;
 * a cancelled export writes nothing.
 *
 * <p>Runs on a task thread; the inputs are immutable snapshots taken on the FX thread.
 */
public final class ReportExportTask extends JobTask<ReportExportTask.Outcome> {
    /** Share of the progress bar for computing missing spectra. */
    private static final double COMPUTE_SHARE = 0.8;

    /**
     * What one export is made from, snapshot on the FX thread.
     *
     * @param checkpoint the open checkpoint reported on
     * @param known      analyses the session already has, by matrix (others are computed)
     * @param failures   matrices the session could not analyse ({@code "<id>: <reason>"})
     * @param plan       the Budget tab's plan, or null
     * @param comparison the Compare tab's intruder summary, or null
     * @param quality    the Budget tab's quality-vs-size sweep of the model (or {@code report --quality}), or null
     * @param target     the HTML file
     * @param writer     refuses the checkpoint's own files (and other protected inputs)
     * @param chartSize  size of each spectrum chart
     * @param settled    the session's analyses once the workbench's own running analysis of the checkpoint
     *                   has ended (they override {@code known}); the export waits for it before computing
     *                   anything, so no matrix is computed twice. Null: nothing runs (nothing to wait for)
     */
    public record Request(OpenedCheckpoint checkpoint, Map<MatrixEntry, MatrixAnalysis> known, List<String> failures,
                          Plan plan, IntruderSummary comparison, SweepResult quality, Path target, AtomicFileWriter writer,
                          ChartSize chartSize, Future<Map<MatrixEntry, MatrixAnalysis>> settled) {
        public Request {
            settled = settled == null ? CompletableFuture.completedFuture(Map.of()) : settled;
            Objects.requireNonNull(checkpoint, "checkpoint");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(writer, "writer");
            Objects.requireNonNull(chartSize, "chartSize");
            known = Collections.unmodifiableMap(new LinkedHashMap<>(known));
            failures = List.copyOf(failures);
        }

        /** Matrices of the checkpoint the session has no analysis for, in checkpoint order. */
        public List<MatrixEntry> missing() {
            return checkpoint.matrices().stream().filter(e -> !known.containsKey(e)).toList();
        }
    }

    /**
     * What one export wrote.
     *
     * @param analysis the analysis the report shows (session analyses plus computed ones, in listing order)
     * @param computed spectra this export computed
     * @param failures matrices this export tried to compute and could not
     * @param target   the HTML file written
     */
    public record Outcome(CheckpointAnalysis analysis, int computed, List<MatrixFailure> failures, Path target) {
        public Outcome {
            failures = List.copyOf(failures);
        }
    }

    private final Request request;
    private final List<MatrixFailure> computedFailures = java.util.Collections.synchronizedList(new ArrayList<>());
    private final WorkbenchServices services;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicInteger computed = new java.util.concurrent.atomic.AtomicInteger();

    public ReportExportTask(Request request, WorkbenchServices services, Clock clock) {
        super("Export report of " + request.checkpoint().displayName());
        this.request = request;
        this.services = services;
        this.clock = clock;
    }

    public Request request() {
        return request;
    }

    /** Spectra this export computed (the session lacked them). */
    public int computed() {
        return computed.get();
    }

    @Override
    protected Outcome compute() {
        OpenedCheckpoint cp = request.checkpoint();
        request.writer().checkAllowed(request.target());
        Map<String, MatrixAnalysis> byId = new LinkedHashMap<>();
        request.known().forEach((e, a) -> byId.put(e.id(), a));
        List<String> failures = new ArrayList<>(request.failures());
        awaitSettled().forEach((e, a) -> byId.put(e.id(), a));
        List<MatrixEntry> missing = cp.matrices().stream().filter(e -> !byId.containsKey(e.id())).toList();
        if (!missing.isEmpty()) {
            compute(cp, missing, byId, failures);
        }
        checkCancelled();
        progress(COMPUTE_SHARE, "Rendering the report of " + cp.displayName());
        List<MatrixAnalysis> ordered = new ArrayList<>();
        for (MatrixEntry e : cp.matrices()) {
            MatrixAnalysis a = byId.get(e.id());
            if (a != null) {
                ordered.add(a);
            }
        }
        String headerSha = cp.handle() instanceof TensorSource source ? HeaderDigest.sha256(source) : null;
        var engine = services.engineInfo();
        CheckpointAnalysis analysis = new CheckpointAnalysis(new SourceInfo(cp.path().toString(), cp.format(), headerSha,
                cp.tensors().size(), cp.matrices().size()), engine, ordered, clock.instant(), failures);
        long totalParameters = 0;
        for (TensorInfo t : cp.tensors()) {
            totalParameters += t.numel();
        }
        ReportInput input = new ReportInput(analysis, cp.metadata(), ModelConfigFacts.near(cp.path()), totalParameters,
                request.plan(), request.comparison(), request.quality(), ToolInfo.rankscope(engine.describe()).version(), clock.instant(),
                request.chartSize());
        String html = HtmlReport.render(input);
        checkCancelled();
        progress(0.95, "Writing " + request.target().getFileName());
        request.writer().writeBytes(request.target(), html.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new Outcome(analysis, computed.get(), computedFailures, request.target());
    }

    /** Waits (cancellably) until the workbench's own analysis of the checkpoint has ended; its analyses. */
    private Map<MatrixEntry, MatrixAnalysis> awaitSettled() {
        Future<Map<MatrixEntry, MatrixAnalysis>> settled = request.settled();
        if (!settled.isDone()) {
            progress(0, "Waiting for the running analysis of " + request.checkpoint().displayName());
        }
        while (true) {
            checkCancelled();
            try {
                return settled.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still analysing: check for Cancel and wait on
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException();
            } catch (ExecutionException e) {
                throw new IllegalStateException("the session's analyses could not be read", e.getCause());
            }
        }
    }

    private void compute(OpenedCheckpoint cp, List<MatrixEntry> missing, Map<String, MatrixAnalysis> byId,
                         List<String> failures) {
        int total = missing.size();
        AbstractTask inner = services.analyze(cp, missing, new AnalysisSink() {
            @Override
            public void onMatrix(MatrixAnalysis analysis) {
                synchronized (byId) {
                    byId.put(analysis.spectrum().ref().id(), analysis);
                }
                int done = computed.incrementAndGet();
                progress(COMPUTE_SHARE * done / total, "Computing spectra " + done + "/" + total);
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                synchronized (byId) {
                    failures.add(ref.id() + ": " + error.userMessage());
                }
                computedFailures.add(new MatrixFailure(ref.id(), error.userMessage()));
            }
        });
        addListener(p -> {
            if (p.status() == Status.CANCELLED) {
                inner.cancel();
            }
        });
        progress(0, "Computing " + total + " missing spectra");
        checkCancelled();
        inner.run();
        checkCancelled();
        if (inner.status() == Status.ERROR) {
            Throwable t = inner.failure();
            throw t instanceof RuntimeException re ? re : new IllegalStateException(t);
        }
        if (inner.status() == Status.CANCELLED) {
            throw new CancelledException();
        }
    }
}
