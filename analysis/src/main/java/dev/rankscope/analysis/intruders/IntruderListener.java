package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.RankscopeException;

/**
 * Receives an {@link IntruderTask}'s results as each matrix pair finishes. Called on the task's
 * worker thread, in pairing order; UI code marshals to its own thread.
 */
public interface IntruderListener {
    /** One pair is done. */
    void onResult(IntruderMatrixResult result);

    /** One pair failed; the task goes on with the others. */
    default void onFailure(Pairing.MatrixPair pair, RankscopeException error) {
    }
}
