package dev.rankscope.application.analyze;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisListener;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.CachedAnalysis;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.job.MatrixFailure;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.RankscopeVersion;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The one analysis pipeline over an opened checkpoint, shared by {@code analyze}, {@code plan},
 * {@code report}, the workbench's exact pass and its report export: replay every cached spectrum
 * ({@link CachedAnalysis#replayHits}), compute the misses with an {@link AnalyzeTask} (memory
 * admission by {@link MemoryBudget}, each fresh exact spectrum stored in the cache as it arrives),
 * collect the failures (a failed matrix does not stop the others) and assemble a
 * {@link CheckpointAnalysis} in listing order. Progress: replay, then one step per computed
 * matrix; cancel is forwarded to the inner task and takes effect between matrices.
 *
 * <p>Runs on the calling thread ({@link #runHere()}) or a worker; {@code listener} (may be null)
 * also receives each result and failure on worker threads, for front ends that stream.
 */
public final class SpectraTask extends JobTask<AnalyzeResult> {

    /**
     * Where and how the spectra are computed.
     *
     * @param backend     SVD engine
     * @param precision   arithmetic precision
     * @param parallelism matrices decomposed at once (≥ 1)
     * @param cacheFolder spectrum cache folder ({@link SpectrumCache#defaultDir()}), or null for none
     * @param memory      memory admission control, or null for the runtime's ({@link MemoryBudget#fromRuntime()})
     * @param metrics     how spectra become metrics (MP fit mode, min_evals; SPEC §2)
     * @param cacheLimit  size limit of the cache in bytes (least recently used entries are evicted)
     */
    public record Engine(SvdBackend backend, Precision precision, int parallelism, Path cacheFolder, MemoryBudget memory,
                         AnalysisParameters metrics, long cacheLimit) {
        public Engine {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(precision, "precision");
            if (parallelism < 1) {
                throw new IllegalArgumentException("parallelism must be ≥ 1, got " + parallelism);
            }
            metrics = metrics == null ? AnalysisParameters.DEFAULT : metrics;
            if (cacheLimit <= 0) {
                throw new IllegalArgumentException("cache limit must be positive, got " + cacheLimit);
            }
        }

        /** These settings with the default metrics and the configured cache limit ({@link SpectrumCache#configuredLimit()}). */
        public Engine(SvdBackend backend, Precision precision, int parallelism, Path cacheFolder, MemoryBudget memory) {
            this(backend, precision, parallelism, cacheFolder, memory, AnalysisParameters.DEFAULT, SpectrumCache.configuredLimit());
        }

        /** These settings with the configured cache limit. */
        public Engine(SvdBackend backend, Precision precision, int parallelism, Path cacheFolder, MemoryBudget memory,
                      AnalysisParameters metrics) {
            this(backend, precision, parallelism, cacheFolder, memory, metrics, SpectrumCache.configuredLimit());
        }

        /** These settings with the default metrics. */
        public Engine(SvdBackend backend, Precision precision, int parallelism, Path cacheFolder, MemoryBudget memory,
                      long cacheLimit) {
            this(backend, precision, parallelism, cacheFolder, memory, AnalysisParameters.DEFAULT, cacheLimit);
        }

        /**
         * The spectrum cache in {@link #cacheFolder()}, keyed by {@link #cacheVersion}, reporting
         * damaged entries to {@code notes}; null without a folder.
         */
        public SpectrumCache cache(java.util.function.Consumer<String> notes) {
            return cacheFolder == null ? null : new SpectrumCache(cacheFolder, cacheVersion(backend), cacheLimit, notes);
        }
    }

    private final TensorSource source;
    private final List<MatrixRef> all;
    private final List<MatrixRef> selected;
    private final Engine engine;
    private final SpectrumCache cache;
    private final AnalysisListener listener;
    private final Clock clock;
    private volatile AnalyzeTask inner;

    /**
     * @param source   opened checkpoint (not closed here)
     * @param all      every matrix listed for {@code source} ({@code MatrixListing}; names are parsed over it)
     * @param selected the matrices to analyse, a subset of {@code all} in listing order
     * @param engine   backend, precision, parallelism, cache, memory
     * @param listener also receives every result or failure (worker threads), or null
     * @param clock    stamps the analysis
     */
    public SpectraTask(TensorSource source, List<MatrixRef> all, List<MatrixRef> selected, Engine engine,
                       AnalysisListener listener, Clock clock) {
        super("Analysis of " + source.path().getFileName());
        this.source = source;
        this.all = List.copyOf(all);
        this.selected = List.copyOf(selected);
        this.engine = engine;
        this.cache = engine.cache(this::note);
        this.listener = listener;
        this.clock = clock;
    }

    /**
     * The version string cache entries are keyed with: tool version, backend and library. The CLI
     * and the workbench share entries because both key through here.
     */
    public static String cacheVersion(SvdBackend backend) {
        return "rankscope-" + RankscopeVersion.get() + "/" + backend.info().backend() + "/" + backend.info().library();
    }

    /** True when {@code ref}'s exact spectrum is in the cache (no cache: false). */
    public static boolean cached(SpectrumCache cache, FileIdentity identity, MatrixRef ref, Precision precision) {
        return cache != null && identity != null && cache.get(identity, ref, precision).isPresent();
    }

    /** The identity of {@code source}'s files the cache is keyed by: as recorded when they were opened. */
    public static FileIdentity identity(TensorSource source) {
        try {
            return source.identity();
        } catch (java.io.UncheckedIOException e) {
            throw new RankscopeException("Cannot read the file dates of " + source.path().getFileName() + ".",
                    source.path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void cancel() {
        super.cancel();
        AnalyzeTask t = inner;
        if (t != null) {
            t.cancel();
        }
    }

    @Override
    protected AnalyzeResult compute() {
        long t0 = System.nanoTime();
        AnalysisCollector collector = new AnalysisCollector(selected);
        AnalysisListener sink = listener == null ? collector : both(collector, listener);
        List<MatrixRef> todo = selected;
        FileIdentity identity = null;
        if (cache != null) {
            progress(0, "reading cached spectra");
            identity = identity(source);
            todo = CachedAnalysis.replayHits(cache, identity, source, all, selected, engine.precision(),
                    engine.metrics(), sink);
        }
        int fromCache = selected.size() - todo.size();
        if (fromCache > 0) {
            note(fromCache + " spectra from the cache");
        }
        checkCancelled();
        if (!todo.isEmpty()) {
            int total = selected.size();
            int missing = todo.size();
            AnalyzeTask t = new AnalyzeTask(source, todo, engine.backend(), engine.precision(), engine.parallelism(),
                    engine.metrics(), engine.memory(),
                    cache == null ? sink : CachedAnalysis.storing(cache, identity, sink));
            t.addListener(p -> {
                if (!p.status().isTerminal() || p.status() == Status.FINISHED) {
                    progress((fromCache + p.fraction() * missing) / total, p.message());
                }
            });
            inner = t;
            if (isCancelled()) {
                t.cancel();
            }
            t.run();
            checkCancelled();
            rethrowOutcome(t);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        CheckpointAnalysis analysis = new CheckpointAnalysis(
                new SourceInfo(source.path().toString(), source.format(), HeaderDigest.sha256(source),
                        source.tensors().size(), selected.size()),
                engine.backend().info(), collector.analyses(), clock.instant(), collector.failureMessages());
        return new AnalyzeResult(analysis, selected.size(), fromCache, seconds,
                MatrixFailure.ofAnalysis(collector.failures()), List.of());
    }

    private static AnalysisListener both(AnalysisListener a, AnalysisListener b) {
        return new AnalysisListener() {
            @Override
            public void onMatrix(MatrixAnalysis analysis) {
                a.onMatrix(analysis);
                b.onMatrix(analysis);
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                a.onFailure(ref, error);
                b.onFailure(ref, error);
            }
        };
    }
}
