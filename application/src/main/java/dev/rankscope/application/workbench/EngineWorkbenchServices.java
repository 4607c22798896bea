package dev.rankscope.application.workbench;

import dev.rankscope.analysis.AnalysisListener;
import dev.rankscope.application.analyze.SpectraTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.PhaseTimes;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link WorkbenchServices} over the real engine and analysis: checkpoints open through
 * {@link Checkpoints#open} (header only), matrices come from {@link MatrixListing} (SPEC §7: shape
 * rules of {@link dev.rankscope.engine.spectrum.MatrixExtractor}, GPT-2 Conv1D read as (out, in),
 * fused QKV followed by its q/k/v parts when config.json gives head counts; per-head blocks and pooled conv
 * kernels as {@link MatrixViews} asks) named by {@link NameParser}, and analyses run as a {@link SpectraTask} (the pipeline every front end shares) in float64 on the SVD
 * backend {@link Backends#select} chose. The backend is created on first use (loading native
 * OpenBLAS can take a moment) and shared by all checkpoints; it is thread-safe.
 *
 * <p>With a cache folder, exact spectra are read from and written to a {@link SpectrumCache}
 * there (keyed by {@link SpectraTask#cacheVersion}, as the CLI keys them, so both share entries) and the quick approximate pass
 * ({@link QuickPassTask}, native library only) skips matrices whose exact spectrum is cached.
 * Metrics and the cache's size limit follow {@link #configure} (default {@link AnalysisSettings#defaults()}).
 */
public final class EngineWorkbenchServices implements WorkbenchServices {
    private final Supplier<SvdBackend> backendFactory;
    private final int parallelism;
    private final Path cacheFolder;
    private final MemoryBudget memory;
    private SvdBackend backend;
    private SpectrumCache cache;
    private volatile AnalysisSettings settings = AnalysisSettings.defaults();

    /**
     * @param preference  which SVD engine to use (AUTO: native when it loads, else pure Java)
     * @param parallelism matrices decomposed at once per checkpoint (≥ 1)
     */
    public EngineWorkbenchServices(Backends.Preference preference, int parallelism) {
        this(() -> Backends.select(preference), parallelism);
    }

    /** With an explicit backend supplier (tests pass the pure-Java backend); no spectrum cache. */
    public EngineWorkbenchServices(Supplier<SvdBackend> backendFactory, int parallelism) {
        this(backendFactory, parallelism, null);
    }

    /**
     * @param backendFactory creates the SVD backend on first use
     * @param parallelism    matrices decomposed at once per checkpoint (≥ 1)
     * @param cacheFolder    spectrum cache folder (e.g. {@link SpectrumCache#defaultDir()}), or null for none
     */
    public EngineWorkbenchServices(Supplier<SvdBackend> backendFactory, int parallelism, Path cacheFolder) {
        this(backendFactory, parallelism, cacheFolder, null);
    }

    /**
     * @param memory memory admission control of the exact pass, or null for the runtime's
     *               ({@link MemoryBudget#fromRuntime()}); the CLI's report passes its test budget
     */
    public EngineWorkbenchServices(Supplier<SvdBackend> backendFactory, int parallelism, Path cacheFolder,
                                   MemoryBudget memory) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1, got " + parallelism);
        }
        this.backendFactory = backendFactory;
        this.parallelism = parallelism;
        this.cacheFolder = cacheFolder;
        this.memory = memory;
    }

    private synchronized SpectrumCache spectrumCache() {
        long limit = settings.cacheLimit();
        if (cacheFolder != null && (cache == null || cache.maxBytes() != limit)) {
            cache = new SpectrumCache(cacheFolder, SpectraTask.cacheVersion(backend()), limit,
                    note -> { }); // damaged entries are recomputed; the exact pass (SpectraTask) reports them
        }
        return cache;
    }

    private synchronized SvdBackend backend() {
        if (backend == null) {
            backend = backendFactory.get();
        }
        return backend;
    }

    @Override
    public OpenedCheckpoint open(Path path, MatrixViews views) {
        TensorSource source = Checkpoints.open(path);
        try {
            List<TensorInfo> tensors = source.tensors();
            Map<String, DType> dtypes = new HashMap<>();
            for (TensorInfo t : tensors) {
                dtypes.put(t.name(), t.dtype());
            }
            MatrixListing listing = views.list(source);
            List<MatrixRef> refs = listing.matrices();
            List<MatrixName> names = NameParser.parseAll(refs.stream().map(MatrixRef::id).toList());
            Map<String, MatrixName> byId = new HashMap<>();
            for (MatrixName n : names) {
                byId.put(n.id(), n);
            }
            List<MatrixEntry> entries = new ArrayList<>(refs.size());
            for (MatrixRef r : refs) {
                entries.add(new MatrixEntry(path, r, byId.get(r.id()), dtypes.get(r.tensor())));
            }
            return new OpenedCheckpoint(path, source.format(), tensors, entries, source.metadata(), source,
                    listing.config(), listing.notes());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    @Override
    public AbstractTask analyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink) {
        if (!(checkpoint.handle() instanceof TensorSource source)) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.displayName() + " was not opened by this service");
        }
        List<MatrixRef> refs = matrices.stream().map(MatrixEntry::ref).toList();
        AnalysisListener listener = new AnalysisListener() {
            @Override
            public void onMatrix(MatrixAnalysis analysis) {
                sink.onMatrix(analysis);
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                sink.onFailure(ref, error);
            }
        };
        List<MatrixRef> all = checkpoint.matrices().stream().map(MatrixEntry::ref).toList();
        AnalysisSettings now = settings;
        return new SpectraTask(source, all, refs, new SpectraTask.Engine(backend(), Precision.F64, parallelism, cacheFolder,
                memory, now.metrics(), now.cacheLimit()), listener, Clock.systemUTC());
    }

    @Override
    public void configure(AnalysisSettings newSettings) {
        settings = Objects.requireNonNull(newSettings);
    }

    @Override
    public EngineInfo engineInfo() {
        return backend().info();
    }

    /** The quick pass runs on the native library only (randomised SVD needs BLAS/LAPACK). */
    @Override
    public Optional<AbstractTask> quickAnalyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink) {
        return quickAnalyze(checkpoint, matrices, sink, PhaseTimes.NONE);
    }

    /**
     * As {@link #quickAnalyze(OpenedCheckpoint, List, AnalysisSink)}, adding the time of each phase
     * of every matrix's estimate to {@code times} ({@code rankscope bench --quick} prints them).
     */
    public Optional<AbstractTask> quickAnalyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink,
                                               PhaseTimes times) {
        if (!(checkpoint.handle() instanceof TensorSource source)) {
            throw new IllegalArgumentException("checkpoint " + checkpoint.displayName() + " was not opened by this service");
        }
        if (!(backend() instanceof NativeBackend)) {
            return Optional.empty();
        }
        SpectrumCache c = spectrumCache();
        FileIdentity identity = c == null ? null : SpectraTask.identity(source);
        return Optional.of(new QuickPassTask(source, matrices,
                e -> SpectraTask.cached(c, identity, e.ref(), Precision.F64), sink, backend(), parallelism, times));
    }

    @Override
    public Optional<CacheControl> cache() {
        return cacheFolder == null ? Optional.empty() : Optional.of(new SpectrumCacheControl(cacheFolder));
    }
}
