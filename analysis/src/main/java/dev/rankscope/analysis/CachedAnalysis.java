package dev.rankscope.analysis;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts the engine's {@link SpectrumCache} in front of an {@link AnalyzeTask}, for the CLI and the
 * workbench alike: {@link #replayHits} analyses every cached spectrum at once (metrics are cheap;
 * only the SVD is cached) and returns the matrices still to compute; {@link #storing} wraps the
 * task's listener so each freshly computed exact spectrum is cached.
 */
public final class CachedAnalysis {
    private CachedAnalysis() {
    }

    /**
     * Sends an analysis of each cached spectrum among {@code refs} to {@code listener} on the
     * calling thread and returns, in order, the refs that missed.
     *
     * @param allRefs every ref of the checkpoint (names are parsed model-wide, as AnalyzeTask does)
     */
    public static List<MatrixRef> replayHits(SpectrumCache cache, FileIdentity identity, TensorSource source,
                                             List<MatrixRef> allRefs, List<MatrixRef> refs, Precision precision,
                                             AnalysisParameters params, AnalysisListener listener) {
        Map<String, MatrixName> names = new HashMap<>();
        for (MatrixName n : NameParser.parseAll(allRefs.stream().map(MatrixRef::id).toList())) {
            names.put(n.id(), n);
        }
        Map<String, DType> dtypes = new HashMap<>();
        for (TensorInfo t : source.tensors()) {
            dtypes.put(t.name(), t.dtype());
        }
        List<MatrixRef> misses = new ArrayList<>();
        for (MatrixRef ref : refs) {
            Optional<Spectrum> hit = cache.get(identity, ref, precision);
            if (hit.isEmpty()) {
                misses.add(ref);
                continue;
            }
            MatrixName name = names.getOrDefault(ref.id(), NameParser.parse(ref.id()));
            try {
                listener.onMatrix(Analyzer.analyze(name, dtypes.get(ref.tensor()), hit.get(), params));
            } catch (RankscopeException e) {
                listener.onFailure(ref, e);
            }
        }
        return misses;
    }

    /** A listener that caches each analysed matrix's exact spectrum, then forwards everything. */
    public static AnalysisListener storing(SpectrumCache cache, FileIdentity identity, AnalysisListener delegate) {
        return new AnalysisListener() {
            @Override
            public void onMatrix(MatrixAnalysis analysis) {
                cache.put(identity, analysis.spectrum());
                delegate.onMatrix(analysis);
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                delegate.onFailure(ref, error);
            }
        };
    }
}
