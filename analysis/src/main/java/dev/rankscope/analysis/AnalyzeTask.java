package dev.rankscope.analysis;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.spectrum.SpectrumListener;
import dev.rankscope.engine.spectrum.SpectrumTask;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Analyses many matrices of one opened checkpoint: runs the engine's {@link SpectrumTask} and
 * turns each spectrum into a {@link MatrixAnalysis} ({@link Analyzer}) on the same worker thread,
 * streaming results to an {@link AnalysisListener}. Opens and closes nothing: the caller owns
 * the {@link TensorSource}.
 *
 * <p>Names come from {@link NameParser#parseAll} over all refs (so encoder–decoder layers are
 * numbered model-wide), dtypes from the stored tensor. Progress (fraction of matrices done, and
 * the message) is forwarded from the spectrum task; {@link #cancel()} cancels it too, taking
 * effect between matrices. A matrix that fails (read, SVD or invalid spectrum) goes to
 * {@link AnalysisListener#onFailure} and the others continue.
 */
public class AnalyzeTask extends AbstractTask {
    private final SpectrumTask spectra;

    public AnalyzeTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                       int parallelism, AnalysisListener listener) {
        this(source, refs, backend, precision, parallelism, AnalysisParameters.DEFAULT, listener);
    }

    /**
     * @param source      opened checkpoint (not closed by this task)
     * @param refs        matrices to analyse ({@code MatrixExtractor.matrices})
     * @param backend     SVD backend
     * @param precision   arithmetic precision of the spectra
     * @param parallelism number of matrices decomposed at once (≥ 1)
     * @param params      metric options
     * @param listener    receives every result or failure, on worker threads
     */
    public AnalyzeTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                       int parallelism, AnalysisParameters params, AnalysisListener listener) {
        this(source, refs, backend, precision, parallelism, params, null, listener);
    }

    /**
     * As {@link #AnalyzeTask(TensorSource, List, SvdBackend, Precision, int, AnalysisParameters, AnalysisListener)},
     * with the memory admission control of the spectrum task ({@link MemoryBudget}; a matrix whose
     * need exceeds it becomes that matrix's failure).
     *
     * @param memory budget shared by the workers, or null for {@link MemoryBudget#fromRuntime()} when the task starts
     */
    public AnalyzeTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                       int parallelism, AnalysisParameters params, MemoryBudget memory, AnalysisListener listener) {
        super("Analysis of " + source.path().getFileName());
        Map<String, MatrixName> names = new HashMap<>();
        for (MatrixName n : NameParser.parseAll(refs.stream().map(MatrixRef::id).toList())) {
            names.put(n.id(), n);
        }
        Map<String, DType> dtypes = new HashMap<>();
        for (TensorInfo t : source.tensors()) {
            dtypes.put(t.name(), t.dtype());
        }
        SpectrumListener bridge = new SpectrumListener() {
            @Override
            public void onSpectrum(Spectrum spectrum) {
                MatrixRef ref = spectrum.ref();
                DType dtype = dtypes.get(ref.tensor());
                if (dtype == null) {
                    throw new RankscopeException("Tensor " + ref.tensor() + " is not in " + source.path().getFileName() + ".");
                }
                // a RankscopeException thrown here reaches SpectrumTask, which reports it as this matrix's failure
                listener.onMatrix(Analyzer.analyze(names.get(ref.id()), dtype, spectrum, params));
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                listener.onFailure(ref, error);
            }
        };
        this.spectra = new SpectrumTask(source, refs, backend, precision, parallelism, SvdBackend.Tolerance.DEFAULT,
                memory, bridge);
        spectra.addListener(p -> {
            if (!p.status().isTerminal() || p.status() == Status.FINISHED) {
                progress(p.fraction(), p.message());
            }
        });
    }

    /** The matrices this task analyses. */
    public List<MatrixRef> refs() {
        return spectra.refs();
    }

    @Override
    public void cancel() {
        super.cancel();
        spectra.cancel();
    }

    @Override
    protected void work() {
        checkCancelled();
        spectra.run();
        checkCancelled();
        rethrowOutcome(spectra);
    }
}
