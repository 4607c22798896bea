package dev.rankscope.application.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;

/**
 * Receives the results of a running analysis as each matrix finishes. Called on worker
 * threads, possibly concurrently: implementations must be thread-safe and must marshal to the
 * FX thread themselves.
 */
public interface AnalysisSink {
    /** One matrix is analysed (spectrum and all SPEC §1–2 metrics). */
    void onMatrix(MatrixAnalysis analysis);

    /** One matrix failed; the analysis goes on with the others. */
    void onFailure(MatrixRef ref, RankscopeException error);
}
