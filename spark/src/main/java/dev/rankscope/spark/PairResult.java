package dev.rankscope.spark;

import dev.rankscope.application.sweep.SweepPairs;

import java.io.Serializable;

/**
 * What an executor sends back for one (checkpoint pair, matrix) {@link WorkUnit}. Serializable; immutable.
 *
 * @param unit      the unit
 * @param outcome   the update metrics, intruder count, or the reason there is none
 * @param wholePair true when the failure concerns the checkpoints, not this matrix (one could not
 *                  be opened, or changed since the driver listed it): the driver then fails the
 *                  whole pair, as the local sweep does, so no row mixes two versions of a file
 */
public record PairResult(WorkUnit unit, SweepPairs.Outcome outcome, boolean wholePair) implements Serializable {
}
