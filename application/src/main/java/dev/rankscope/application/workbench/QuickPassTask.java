package dev.rankscope.application.workbench;

import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The workbench's quick approximate pass: for each matrix, the top {@value #TOP_K} singular
 * values and the honest metrics of {@link TopKPreview#analyze}, streamed to an
 * {@link AnalysisSink}. Exact results replace these later; nothing here is ever written to the
 * spectrum cache.
 *
 * <p>Matrices with p = min(m, n) ≤ {@value #TOP_K} are skipped (their exact SVD is as cheap), as
 * are matrices {@code skip} accepts (exact spectrum already cached). A matrix whose read or
 * randomised SVD fails is skipped silently: the exact pass reports it. Cancels between matrices.
 */
final class QuickPassTask extends AbstractTask {
    /** Number of singular values the quick pass estimates. */
    static final int TOP_K = TopKPreview.TOP_K;

    private static final System.Logger LOG = System.getLogger(QuickPassTask.class.getName());
    private final TensorSource source;
    private final List<MatrixEntry> matrices;
    private final Predicate<MatrixEntry> skip;
    private final AnalysisSink sink;

    /**
     * @param source   opened checkpoint (not closed here)
     * @param matrices matrices of {@code source}, in the order to preview
     * @param skip     matrices not to preview (e.g. exact spectrum cached)
     * @param sink     receives each approximate analysis on the worker thread
     */
    QuickPassTask(TensorSource source, List<MatrixEntry> matrices, Predicate<MatrixEntry> skip, AnalysisSink sink) {
        super("Quick preview of " + source.path().getFileName());
        this.source = source;
        this.matrices = List.copyOf(matrices);
        this.skip = skip;
        this.sink = sink;
    }

    @Override
    protected void work() {
        List<MatrixEntry> todo = new ArrayList<>();
        for (MatrixEntry e : matrices) {
            checkCancelled();
            if (e.fullRank() > TOP_K && !skip.test(e)) {
                todo.add(e);
            }
        }
        int n = todo.size();
        progress(0, "≈ top " + TOP_K + ": 0 of " + n + " matrices");
        for (int i = 0; i < n; i++) {
            checkCancelled();
            MatrixEntry e = todo.get(i);
            try {
                sink.onMatrix(preview(source, e));
            } catch (RankscopeException failure) {
                LOG.log(System.Logger.Level.DEBUG, "quick preview of " + e.id() + " skipped: " + failure.getMessage());
            }
            progress((i + 1.0) / n, "≈ top " + TOP_K + ": " + (i + 1) + " of " + n + " matrices");
        }
    }

    /** {@link TopKPreview#analyze} of one listed matrix. */
    static MatrixAnalysis preview(TensorSource source, MatrixEntry entry) {
        return TopKPreview.analyze(source, entry.ref(), entry.name(), entry.dtype());
    }
}
