package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;

/**
 * Computes the singular values of many matrices of one checkpoint, streaming each result to a
 * {@link SpectrumListener}. Whole matrices are scheduled across {@code parallelism} workers;
 * cancellation is checked between matrices (a running native call is never interrupted).
 * Progress is the fraction of matrices done. A matrix that fails is reported to the listener and
 * does not stop the others.
 */
public class SpectrumTask extends AbstractTask {
    private final TensorSource source;
    private final List<MatrixRef> refs;
    private final SvdBackend backend;
    private final Precision precision;
    private final int parallelism;
    private final SvdBackend.Tolerance tolerance;
    private final SpectrumListener listener;

    public SpectrumTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                        int parallelism, SpectrumListener listener) {
        this(source, refs, backend, precision, parallelism, SvdBackend.Tolerance.DEFAULT, listener);
    }

    public SpectrumTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                        int parallelism, SvdBackend.Tolerance tolerance, SpectrumListener listener) {
        super("Spectra of " + source.path().getFileName());
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1");
        }
        this.source = source;
        this.refs = List.copyOf(refs);
        this.backend = backend;
        this.precision = precision;
        this.parallelism = parallelism;
        this.tolerance = tolerance;
        this.listener = listener;
    }

    public List<MatrixRef> refs() {
        return refs;
    }

    @Override
    protected void work() {
        int total = refs.size();
        AtomicInteger done = new AtomicInteger();
        progress(0, "0 of " + total + " matrices");
        if (parallelism == 1) {
            for (MatrixRef ref : refs) {
                checkCancelled();
                computeOne(ref);
                int d = done.incrementAndGet();
                progress((double) d / total, d + " of " + total + " matrices");
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "rankscope-spectrum");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (MatrixRef ref : refs) {
                futures.add(pool.submit(() -> {
                    if (isCancelled()) {
                        return;
                    }
                    computeOne(ref);
                    int d = done.incrementAndGet();
                    progress((double) d / total, d + " of " + total + " matrices");
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    cancel();
                }
            }
        } finally {
            pool.shutdownNow();
            awaitWorkers(pool);
        }
        checkCancelled();
    }

    /**
     * Waits until every worker has left {@link #computeOne}, so that no listener call (and no
     * cache write behind it) happens after the task reached its terminal state — also when it
     * was cancelled by an interrupt or ended by a failure. Workers finish the matrix they are on
     * (native calls are not interrupted); queued matrices were dropped by {@code shutdownNow}.
     * The caller's interrupt status is preserved.
     */
    private static void awaitWorkers(ExecutorService pool) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                try {
                    if (pool.awaitTermination(1, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads and decomposes one matrix, reporting the result or the failure. */
    protected void computeOne(MatrixRef ref) {
        long t0 = System.nanoTime();
        try {
            Matrix m = MatrixReader.read(source, ref);
            if (precision == Precision.F32) {
                double[] d = m.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) d[i];
                }
            }
            SvdResult r = backend.singularValues(m, tolerance);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            listener.onSpectrum(new Spectrum(ref, r.sigma(), r.method(), precision, false, ms));
        } catch (RankscopeException e) {
            listener.onFailure(ref, e);
        } catch (OutOfMemoryError e) {
            listener.onFailure(ref, new RankscopeException("not enough memory for matrix " + ref.id()
                    + " (" + ref.shapeString() + ")", e.toString(), e));
        }
    }
}
