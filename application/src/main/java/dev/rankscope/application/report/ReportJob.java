package dev.rankscope.application.report;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.intruders.ComparisonInputs;
import dev.rankscope.application.intruders.IntrudersJob;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.job.MatrixFailure;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report}: the self-contained HTML report of a checkpoint, made exactly as the workbench's
 * File ▸ Export Report… makes it — the checkpoint opened and listed by
 * {@link EngineWorkbenchServices} (the listing of every front end), the spectra computed by the
 * shared pipeline (cache included) and rendered by {@link ReportExportTask} — with an optional
 * plan summary and an optional intruder summary ({@link IntrudersJob}). The HTML file is checked
 * against every input before any work ({@link ProtectedInputs}).
 *
 * <p>Notes: the adapter's notes, one line per compared pair ({@code "intruders [i/n] name"}).
 * Thread-safe; each task is one run.
 */
public final class ReportJob implements Job<ReportParameters, ReportResult> {
    private final AnalyzeJob analyze;
    private final IntrudersJob intruders;

    public ReportJob(AnalyzeJob analyze, IntrudersJob intruders) {
        this.analyze = analyze;
        this.intruders = intruders;
    }

    @Override
    public String name() {
        return "report";
    }

    @Override
    public JobTask<ReportResult> task(ReportParameters parameters) {
        return new Run(parameters);
    }

    private final class Run extends JobTask<ReportResult> {
        private final ReportParameters p;

        Run(ReportParameters p) {
            super("Report of " + p.checkpoint().getFileName());
            this.p = p;
        }

        @Override
        protected ReportResult compute() {
            long t0 = System.nanoTime();
            SvdBackend backend = analyze.backend(p.engine());
            Plan planned = p.plan() == null ? null : PlanJson.read(p.plan());
            SweepResult quality = p.quality() == null ? null : readSweep(p.quality());
            EngineWorkbenchServices services = new EngineWorkbenchServices(() -> backend, p.parallelism(),
                    p.useCache() ? analyze.cacheFolder() : null, analyze.memory());
            OpenedCheckpoint cp = services.open(p.checkpoint());
            try {
                List<Path> inputs = ProtectedInputs.of((TensorSource) cp.handle());
                inputs.add(p.plan());
                inputs.add(p.base());
                inputs.add(p.adapter());
                inputs.add(p.quality());
                AtomicFileWriter writer = ProtectedInputs.checked(inputs, p.out());
                IntruderReport compared = compare(backend);
                IntruderSummary summary = compared == null ? null : IntruderSummary.of(compared, p.intruders());
                ReportExportTask.Request request = new ReportExportTask.Request(cp, Map.of(), List.of(), planned, summary,
                        quality, p.out(), writer, p.chartSize(), null);
                ReportExportTask.Outcome outcome = runStep(new ReportExportTask(request, services, analyze.clock()));
                return new ReportResult(outcome, compared,
                        compared == null ? List.of() : MatrixFailure.ofIntruders(compared), (System.nanoTime() - t0) / 1e9);
            } finally {
                cp.close();
            }
        }

        /** The sweep JSON {@code evaluate --sweep --json} wrote; anything else is one sentence naming the file. */
        private static SweepResult readSweep(Path file) {
            String json;
            try {
                json = Files.readString(file);
            } catch (java.nio.charset.MalformedInputException e) {
                throw new RankscopeException(file + ": not a quality-vs-size sweep (not UTF-8 text)");
            } catch (IOException e) {
                throw new RankscopeException(file + ": cannot read the sweep (" + e.getMessage() + ")");
            }
            SweepResult sweep;
            try {
                sweep = JobJson.readResult(json, SweepResult.class);
            } catch (IllegalArgumentException e) {
                throw new RankscopeException(file + ": not a quality-vs-size sweep of rankscope evaluate --sweep --json ("
                        + firstLine(e.getMessage()) + ")");
            }
            if (sweep == null || sweep.original() == null || sweep.kind() == null) {
                throw new RankscopeException(file + ": not a quality-vs-size sweep of rankscope evaluate --sweep --json "
                        + "(no kind or original row)");
            }
            return sweep;
        }

        private static String firstLine(String message) {
            String m = message == null ? "" : message.strip();
            int nl = m.indexOf('\n');
            return nl < 0 ? m : m.substring(0, nl);
        }

        /**
         * The intruder comparison (SPEC §3) with {@code base} (the checkpoint is its fine-tune) or
         * {@code adapter} (merged onto the checkpoint; only the matrices it changes), or null.
         */
        private IntruderReport compare(SvdBackend backend) {
            if (p.base() == null && p.adapter() == null) {
                return null;
            }
            boolean adapter = p.adapter() != null;
            try (ComparisonInputs in = adapter ? intruders.open(p.checkpoint(), p.adapter(), true, false)
                    : intruders.open(p.base(), p.checkpoint(), false, false)) {
                in.notes().forEach(n -> note("note: " + n));
                if (in.pairing().pairs().isEmpty()) {
                    throw new RankscopeException(in.base().path().getFileName() + " and " + in.tuned().path().getFileName()
                            + " have no matrices in common (same names and shapes) to compare");
                }
                int total = in.pairing().pairs().size();
                int[] done = {0};
                IntruderTask task = intruders.compare(in, backend, r -> note(String.format(Locale.ROOT,
                        "intruders [%d/%d] %s", ++done[0], total, r.name().id())));
                runStep(task);
                return task.report();
            }
        }
    }
}
