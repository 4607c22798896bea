package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.tensor.TensorSource;

import java.util.List;

/**
 * Reads the bytes of the matrices a {@link SpectrumTask} will take next while its workers compute
 * the current ones ({@link TensorSource#prefetch}), so that a worker starting a matrix finds its
 * tensor in the page cache instead of waiting for the disk. On a checkpoint that is not cached
 * (a 13.5 GB Llama-2-7B shape read at ≈ 140 MB/s here), every matrix's read otherwise stalls its
 * worker: 0.2 s for a 4096² BF16 matrix, 0.6 s for 4096×11008.
 *
 * <p>One daemon thread walks the schedule; matrix {@code j} is read once matrix
 * {@code j − ahead} has started, i.e. at most {@code ahead} matrices beyond those in flight, so
 * the page cache holds little more than the next matrices. Tensors already read ahead (parts of
 * one fused tensor) are not read twice. Closing stops the walk after the read in progress (it is
 * never interrupted: an interrupt would close a file channel the workers share).
 *
 * <p>Thread-safe: {@link #started()} and {@link #close()} are called by the workers.
 */
final class Prefetcher implements AutoCloseable {
    private final TensorSource source;
    private final List<MatrixRef> order;
    private final int ahead;
    private int started;
    private boolean closed;

    /**
     * Starts reading ahead.
     *
     * @param order the order in which the workers take the matrices
     * @param ahead matrices in flight at once (the task's parallelism)
     */
    Prefetcher(TensorSource source, List<MatrixRef> order, int ahead) {
        this.source = source;
        this.order = List.copyOf(order);
        this.ahead = Math.max(1, ahead);
        if ("false".equals(System.getProperty("rankscope.prefetch"))) {
            closed = true;             // -Drankscope.prefetch=false: no reading ahead (side-by-side benchmarks)
            return;
        }
        Thread t = new Thread(this::walk, "rankscope-prefetch");
        t.setDaemon(true);
        t.start();
    }

    /** A worker took the next matrix of the schedule. */
    synchronized void started() {
        started++;
        notifyAll();
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }

    private void walk() {
        String last = null;
        for (int j = ahead; j < order.size(); j++) {
            if (!awaitTurn(j)) {
                return;
            }
            String tensor = order.get(j).tensor();
            if (!tensor.equals(last)) {
                source.prefetch(tensor);
                last = tensor;
            }
        }
    }

    private synchronized boolean awaitTurn(int j) {
        try {
            while (!closed && started < j - ahead + 1) {
                wait();
            }
        } catch (InterruptedException e) {
            return false;
        }
        return !closed;
    }
}
