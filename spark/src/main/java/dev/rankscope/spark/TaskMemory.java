package dev.rankscope.spark;

import dev.rankscope.application.sweep.SweepPairs;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;

import java.util.List;
import java.util.Locale;

/**
 * What one executor task needs in memory, by the engine's own estimates ({@link MemoryBudget.Need}):
 * a spectrum at worst takes the exact in-memory path (the matrix in float64 on the heap, its
 * off-heap copy and the Gram of the smaller side), a pair unit what {@link SweepPairs#need} claims.
 * The driver reports the largest so the user can size executors: heap ≥ cores × heap need,
 * memory overhead ≥ cores × native need. Pure; thread-safe.
 *
 * @param heap    bytes on the Java heap
 * @param offHeap bytes off-heap
 * @param unit    the unit that needs it
 */
record TaskMemory(long heap, long offHeap, WorkUnit unit) {

    /** The need of one unit. */
    static TaskMemory of(WorkUnit u) {
        MatrixRef ref = MatrixRef.whole(u.matrix(), u.rows(), u.cols());
        MemoryBudget.Need n = u.pair() == null ? MemoryBudget.Need.inMemoryNative(ref, Precision.F64, true) : SweepPairs.need(u.pair(), ref);
        return new TaskMemory(n.heap(), n.offHeap(), u);
    }

    /** The largest need (heap + off-heap) among {@code units}, or null when there are none. */
    static TaskMemory largest(List<WorkUnit> units) {
        TaskMemory max = null;
        for (WorkUnit u : units) {
            TaskMemory t = of(u);
            if (max == null || t.heap + t.offHeap > max.heap + max.offHeap) {
                max = t;
            }
        }
        return max;
    }

    /** One sentence for the notes. */
    String sentence() {
        return String.format(Locale.ROOT, "the largest task (%s %s, %d×%d) needs %.2f GB heap and %.2f GB native memory: "
                        + "per executor, --executor-memory ≥ cores × %.2f GB and spark.executor.memoryOverhead ≥ cores × %.2f GB",
                unit.pair() == null ? "spectrum of" : unit.pair().label() + " of", unit.matrix(), unit.rows(), unit.cols(),
                heap / 1e9, offHeap / 1e9, heap / 1e9, offHeap / 1e9);
    }
}
