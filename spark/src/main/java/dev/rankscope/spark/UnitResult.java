package dev.rankscope.spark;

import java.io.Serializable;

/**
 * What an executor sends back for one {@link WorkUnit}: the singular values (descending) and how
 * they were computed, or why there are none. Serializable; immutable apart from the array, which
 * nobody mutates after construction.
 *
 * @param checkpointIndex position of the checkpoint in the series
 * @param matrix          matrix id
 * @param sigma           singular values, descending, or null when failed
 * @param method          {@code SvdMethod} name, or null when failed
 * @param millis          wall time of the spectrum on the executor
 * @param failure         one-sentence reason, or null
 */
public record UnitResult(int checkpointIndex, String matrix, double[] sigma, String method, long millis, String failure)
        implements Serializable {
}
