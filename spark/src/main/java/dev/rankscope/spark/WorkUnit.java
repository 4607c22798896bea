package dev.rankscope.spark;

import java.io.Serializable;

/**
 * One unit of work of the Spark sweep: the spectrum of one matrix of one checkpoint. Serializable
 * (shipped to executors); immutable.
 *
 * @param checkpointIndex position of the checkpoint in the series
 * @param uri             the checkpoint as given (Hadoop path or URI)
 * @param matrix          matrix id in the checkpoint's listing ({@code MatrixListing})
 * @param rows            m
 * @param cols            n
 * @param length          file length when the driver listed it
 * @param modified        file modification time (ms) when the driver listed it
 */
public record WorkUnit(int checkpointIndex, String uri, String matrix, int rows, int cols, long length, long modified)
        implements Serializable {

    /** Estimated cost in flops ({@link FlopPartitioning#cost(int, int)}). */
    public double cost() {
        return FlopPartitioning.cost(rows, cols);
    }
}
