package dev.rankscope.application.analyze;

import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.report.AnalysisCsv;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * {@code analyze}: open a checkpoint, list its matrices ({@link MatrixListing}, SPEC §7: GPT-2
 * Conv1D read as (out, in), fused QKV followed by its q/k/v parts, optional per-head blocks),
 * refuse exports aimed at an input ({@link ProtectedInputs}) before any work, analyse the selected
 * matrices through {@link SpectraTask} (cache, memory budget, failure collection) and write the
 * analysis JSON and CSV atomically.
 *
 * <p>Notes, in order: the checkpoint line ("FILE (format): N tensors, M matrices; engine …"), the
 * conv-kernel rule when the checkpoint has conv kernels, the model facts, the listing's own notes
 * (prefixed {@code "note: "}), the cache hits. Thread-safe; each task is one run.
 */
public final class AnalyzeJob implements Job<AnalyzeParameters, AnalyzeResult> {

    /**
     * The outside world of an analysis run; replaced in tests.
     *
     * @param backends    SVD engine for a preference ({@link Backends#select})
     * @param cacheFolder spectrum cache folder for runs with {@code useCache}, or null for none
     * @param memory      memory admission control, or null for the runtime's
     * @param clock       stamps the analysis
     */
    public record Environment(Function<Backends.Preference, SvdBackend> backends, Path cacheFolder, MemoryBudget memory,
                              Clock clock) {
        /** The real engine, the default cache folder, the runtime's memory, the system clock. */
        public static Environment defaults() {
            return new Environment(Backends::select, SpectrumCache.defaultDir(), null, Clock.systemUTC());
        }

        public Environment withMemory(MemoryBudget newMemory) {
            return new Environment(backends, cacheFolder, newMemory, clock);
        }
    }

    private final Environment environment;

    public AnalyzeJob(Environment environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "analyze";
    }

    @Override
    public JobTask<AnalyzeResult> task(AnalyzeParameters parameters) {
        return new Run(parameters);
    }

    /**
     * The spectra of {@code selected} among {@code all} of an already opened checkpoint, with the
     * backend, precision, parallelism and (when {@code useCache}) the cache of this job's
     * environment: the step {@code plan}, {@code report} and the workbench share.
     */
    public SpectraTask spectra(TensorSource source, List<MatrixRef> all, List<MatrixRef> selected,
                               SpectraTask.Engine engine, dev.rankscope.analysis.AnalysisListener listener) {
        return new SpectraTask(source, all, selected, engine, listener, environment.clock());
    }

    /** The engine settings of {@code parameters} in this environment. */
    public SpectraTask.Engine engine(SvdBackend backend, AnalyzeParameters parameters) {
        return new SpectraTask.Engine(backend, parameters.precision(), parameters.parallelism(),
                parameters.useCache() ? environment.cacheFolder() : null, environment.memory());
    }

    /** The spectrum cache folder of this environment (null: none). */
    public Path cacheFolder() {
        return environment.cacheFolder();
    }

    /** The clock that stamps analyses and reports. */
    public Clock clock() {
        return environment.clock();
    }

    /** The memory admission control of this environment (null: the runtime's). */
    public MemoryBudget memory() {
        return environment.memory();
    }

    /** The backend {@code preference} selects in this environment. */
    public SvdBackend backend(Backends.Preference preference) {
        return environment.backends().apply(preference);
    }

    private final class Run extends JobTask<AnalyzeResult> {
        private final AnalyzeParameters p;

        Run(AnalyzeParameters p) {
            super("Analysis of " + p.checkpoint().getFileName());
            this.p = p;
        }

        @Override
        protected AnalyzeResult compute() {
            SvdBackend backend = backend(p.engine());
            try (TensorSource source = Checkpoints.open(p.checkpoint())) {
                AtomicFileWriter files = ProtectedInputs.checked(ProtectedInputs.of(source), p.json(), p.csv());
                MatrixListing listing = MatrixListing.of(source, p.perHead(), p.conv());
                List<MatrixRef> selected = listing.matrices().stream().filter(r -> p.selects(r.id())).toList();
                note(source.path().getFileName() + " (" + source.format() + "): " + source.tensors().size()
                        + " tensors, " + selected.size() + " matrices; engine " + backend.info().describe());
                if (source.tensors().stream().anyMatch(t -> t.rank() == 4)) {
                    note("conv kernels: " + (p.conv() == ConvMode.POOLED
                            ? "pooled ESD of the kh·kw out×in slices" : "reshaped to (out, in·kh·kw)"));
                }
                if (!listing.config().isEmpty()) {
                    note("model: " + listing.config().describe() + " (" + listing.config().source() + ")");
                }
                listing.notes().forEach(n -> note("note: " + n));
                AnalyzeResult result = runStep(spectra(source, listing.matrices(), selected, engine(backend, p), null));
                List<Path> written = new ArrayList<>();
                if (p.json() != null) {
                    files.writeBytes(p.json(), AnalysisJson.toJson(result.analysis()).getBytes(StandardCharsets.UTF_8));
                    written.add(p.json());
                }
                if (p.csv() != null) {
                    AnalysisCsv.write(result.analysis(), p.csv(), files);
                    written.add(p.csv());
                }
                return result.with(listing, written);
            }
        }
    }
}
