package dev.rankscope.application.workbench;

import dev.rankscope.analysis.AnalysisListener;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.CachedAnalysis;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.List;

/**
 * The workbench's exact pass with the spectrum cache in front: on the worker thread it first
 * replays every cached spectrum ({@link CachedAnalysis#replayHits}), then runs an
 * {@link AnalyzeTask} over the misses whose exact spectra are written to the cache as they
 * arrive ({@link CachedAnalysis#storing}; the cache refuses approximate spectra). Progress and
 * cancellation are forwarded to the inner task, so Cancel stops between matrices as before.
 */
final class CachedAnalyzeTask extends AbstractTask {
    private final TensorSource source;
    private final List<MatrixRef> refs;
    private final SvdBackend backend;
    private final int parallelism;
    private final SpectrumCache cache;
    private final FileIdentity identity;
    private final AnalysisListener listener;
    private volatile AnalyzeTask inner;

    CachedAnalyzeTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, int parallelism,
                      SpectrumCache cache, FileIdentity identity, AnalysisListener listener) {
        super("Analysis of " + source.path().getFileName());
        this.source = source;
        this.refs = List.copyOf(refs);
        this.backend = backend;
        this.parallelism = parallelism;
        this.cache = cache;
        this.identity = identity;
        this.listener = listener;
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
    protected void work() {
        progress(0, "reading cached spectra");
        List<MatrixRef> misses = CachedAnalysis.replayHits(cache, identity, source, MatrixExtractor.matrices(source.tensors()),
                refs, Precision.F64, AnalysisParameters.DEFAULT, listener);
        checkCancelled();
        if (misses.isEmpty()) {
            return;
        }
        int hits = refs.size() - misses.size();
        AnalyzeTask t = new AnalyzeTask(source, misses, backend, Precision.F64, parallelism, AnalysisParameters.DEFAULT,
                CachedAnalysis.storing(cache, identity, listener));
        t.addListener(p -> {
            if (!p.status().isTerminal() || p.status() == Status.FINISHED) {
                progress((hits + p.fraction() * misses.size()) / refs.size(), p.message());
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
}
