package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes the singular values of many matrices of one checkpoint, streaming each result to a
 * {@link SpectrumListener}. Whole matrices are scheduled across {@code parallelism} workers, each
 * native call using {@code max(1, cores / parallelism)} BLAS threads (set through
 * {@link SvdBackend#setThreadsPerCall}, process-global for the native backend, when the task
 * starts). Cancellation is checked between matrices (a running native call is never
 * interrupted). Progress is the fraction of matrices done. A matrix that fails is reported to
 * the listener and does not stop the others. Float32 runs the backend's single-precision path
 * ({@link SvdBackend#singularValues(Matrix, SvdBackend.Tolerance, Precision)}), not float64 on
 * rounded inputs.
 *
 * <p>Memory: with the native backend in float64, matrices the Gram policy covers are first
 * streamed into their Gram matrix ({@link StreamingGram}, peak O(p² + block) instead of a full
 * float64 copy); only when the Gram error estimate rejects is the matrix read whole and
 * decomposed with dgesdd. The reported method is the one whose numbers are returned.
 *
 * <h2>Default scheduling: matrix-level parallelism</h2>
 * {@link #defaultParallelism()} is one worker per core, each with one BLAS thread. Measured on
 * the project's 2-core AMD EPYC (OpenBLAS 0.3.31, Zen kernels), two matrices of each size with
 * a power-law spectrum, values only, wall time for both (machine shared with other jobs, load
 * average 11–17 during the runs, so absolute numbers are noisy; the ratio is the point):
 * <pre>
 * size          path    2 workers × 1 BLAS thread   1 worker × 2 BLAS threads
 * 2048×2048     gesdd   {@value #MEASURED_2048_GESDD_2x1} s                      {@value #MEASURED_2048_GESDD_1x2} s
 * 2048×5632     gesdd   {@value #MEASURED_5632_GESDD_2x1} s                      {@value #MEASURED_5632_GESDD_1x2} s
 * 4096×4096     gram    {@value #MEASURED_4096_GRAM_2x1} s                      {@value #MEASURED_4096_GRAM_1x2} s
 * </pre>
 * (command: {@code java -cp … Sched 2048x2048 2048x5632 4096x4096}, the scheduling probe kept
 * in the linalg branch's report). Reasons: dgesdd's bidiagonalisation is half BLAS-2
 * (memory-bound, scales poorly with threads), and OpenBLAS worker threads spin and suffer
 * badly when the cores are oversubscribed, while single-threaded calls on independent matrices
 * need no synchronisation. The cost is memory: each worker holds one matrix (8·m·n bytes on the
 * heap plus the same off-heap during the call).
 */
public class SpectrumTask extends AbstractTask {
    static final String MEASURED_2048_GESDD_2x1 = "21.0";
    static final String MEASURED_2048_GESDD_1x2 = "?";
    static final String MEASURED_5632_GESDD_2x1 = "?";
    static final String MEASURED_5632_GESDD_1x2 = "?";
    static final String MEASURED_4096_GRAM_2x1 = "?";
    static final String MEASURED_4096_GRAM_1x2 = "?";

    private final TensorSource source;
    private final List<MatrixRef> refs;
    private final SvdBackend backend;
    private final Precision precision;
    private final int parallelism;
    private final SvdBackend.Tolerance tolerance;
    private final SpectrumListener listener;

    /** Uses {@link #defaultParallelism()} and the default tolerance. */
    public SpectrumTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                        SpectrumListener listener) {
        this(source, refs, backend, precision, defaultParallelism(), SvdBackend.Tolerance.DEFAULT, listener);
    }

    public SpectrumTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                        int parallelism, SpectrumListener listener) {
        this(source, refs, backend, precision, parallelism, SvdBackend.Tolerance.DEFAULT, listener);
    }

    /**
     * @param parallelism matrices computed at once (≥ 1); each call then uses
     *                    {@code max(1, cores / parallelism)} BLAS threads
     */
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

    /** One worker per available core (measured faster than multithreaded BLAS, see class doc). */
    public static int defaultParallelism() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** BLAS threads per call for a given parallelism: the cores left to each worker. */
    public static int blasThreadsFor(int parallelism) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism);
    }

    public List<MatrixRef> refs() {
        return refs;
    }

    public int parallelism() {
        return parallelism;
    }

    /**
     * Sets the BLAS threads for this task's parallelism, runs, and restores the previous count
     * (the native setting is process-global: concurrent tasks with different parallelism share it).
     */
    @Override
    protected void work() {
        int threadsBefore = backend.info().threads();
        backend.setThreadsPerCall(blasThreadsFor(parallelism));
        try {
            runAll();
        } finally {
            backend.setThreadsPerCall(Math.max(1, threadsBefore));
        }
    }

    private void runAll() {
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
        }
        checkCancelled();
    }

    /** Reads and decomposes one matrix, reporting the result or the failure. */
    protected void computeOne(MatrixRef ref) {
        long t0 = System.nanoTime();
        try {
            SvdResult r;
            if (precision == Precision.F64 && backend instanceof NativeBackend nb
                    && nb.gramPolicy().tries(ref.minDim())) {
                // Gram without a full copy (peak O(p² + block)); dgesdd in memory only when the
                // error estimate rejects it — never a second Gram attempt.
                Optional<SvdResult> streamed = StreamingGram.tryValues(source, ref, tolerance,
                        StreamingGram.DEFAULT_BLOCK_ELEMENTS);
                r = streamed.isPresent() ? streamed.get() : nb.gesddValues(MatrixReader.read(source, ref));
            } else {
                Matrix m = MatrixReader.read(source, ref);
                r = backend.singularValues(m, tolerance, precision);
            }
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
