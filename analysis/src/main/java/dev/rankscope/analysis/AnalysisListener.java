package dev.rankscope.analysis;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;

/**
 * Receives results of an {@link AnalyzeTask} as each matrix finishes. Called on worker threads,
 * possibly concurrently and in any order; implementations synchronise (UI code marshals to the
 * FX thread itself).
 */
public interface AnalysisListener {
    /** One matrix is analysed. */
    void onMatrix(MatrixAnalysis analysis);

    /** One matrix failed (unreadable data, NaN weights, SVD failure, out of memory); the task goes on. */
    void onFailure(MatrixRef ref, RankscopeException error);
}
