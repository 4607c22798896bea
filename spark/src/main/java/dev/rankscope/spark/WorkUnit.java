package dev.rankscope.spark;

import dev.rankscope.application.sweep.SweepPairs;

import java.io.Serializable;

/**
 * One unit of work of the Spark sweep: the spectrum of one matrix of one checkpoint, or one
 * (checkpoint pair, matrix) of the pairwise part — an update ΔW or an intruder count
 * ({@link SweepPairs}). Serializable (shipped to executors); immutable.
 *
 * @param pair   the pair kind, or null for a spectrum
 * @param target the checkpoint whose matrix is analysed (for a pair: W_b, whose row gets the result)
 * @param base   for a pair the checkpoint W_a comes from; null for a spectrum
 * @param matrix matrix id in the checkpoint's listing ({@code MatrixListing})
 * @param rows   m
 * @param cols   n
 */
public record WorkUnit(SweepPairs.Kind pair, Checkpoint target, Checkpoint base, String matrix, int rows, int cols)
        implements Serializable {

    /**
     * A checkpoint as the driver listed it.
     *
     * @param index    position in the series
     * @param uri      the checkpoint as given (Hadoop path or URI)
     * @param label    its label in the series
     * @param identity {@link SparkCheckpoints#identity} when the driver listed it
     */
    public record Checkpoint(int index, String uri, String label, String identity) implements Serializable {
    }

    /** A spectrum unit. */
    public static WorkUnit spectrum(Checkpoint checkpoint, String matrix, int rows, int cols) {
        return new WorkUnit(null, checkpoint, null, matrix, rows, cols);
    }

    /** Position of the target checkpoint in the series. */
    public int checkpointIndex() {
        return target.index();
    }

    /**
     * Estimated cost in flops: {@link FlopPartitioning#cost(int, int)} for a spectrum and for an
     * update (one values-only SVD of ΔW, plus reading two matrices); four times that for an
     * intruder count (two SVDs with vectors, each about twice a values-only one).
     */
    public double cost() {
        return (pair == SweepPairs.Kind.INTRUDERS ? 4 : 1) * FlopPartitioning.cost(rows, cols);
    }
}
