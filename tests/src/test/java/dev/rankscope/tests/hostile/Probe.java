package dev.rankscope.tests.hostile;

import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/**
 * The user's first three actions on a file, as the corpus and the fuzzers exercise them: open it
 * (format chosen by content), list its tensors, and decode every tensor. Reading is bounded
 * ({@link #READ_BUDGET} elements per file, taken from the start and the end of each tensor) so
 * a legitimately large declared tensor cannot turn a probe into a benchmark.
 */
final class Probe {
    /** Most elements decoded per probed file. */
    static final long READ_BUDGET = 1 << 18;
    private static final int EDGE = 4096;

    private Probe() {
    }

    /** What a successful probe saw. */
    record Seen(String format, int tensors, long elementsRead) { }

    /**
     * Opens {@code path} with the standard registry, lists and reads it, and closes it.
     * Throws whatever the engine throws; callers decide which throwables are acceptable.
     */
    static Seen openListRead(Path path) {
        try (TensorSource source = Checkpoints.open(path)) {
            return listRead(source);
        }
    }

    /** Lists and reads an already open source (not closed here). */
    static Seen listRead(TensorSource source) {
        long read = 0;
        double[] buf = new double[EDGE];
        for (TensorInfo t : source.tensors()) {
            long n = t.numel();
            if (n == 0 || read >= READ_BUDGET) {
                continue;
            }
            int head = (int) Math.min(n, EDGE);
            source.readElements(t.name(), 0, head, buf, 0);
            read += head;
            if (n > EDGE) {
                int tail = (int) Math.min(n - EDGE, EDGE);
                source.readElements(t.name(), n - tail, tail, buf, 0);
                read += tail;
            }
        }
        return new Seen(source.format(), source.tensors().size(), read);
    }
}
