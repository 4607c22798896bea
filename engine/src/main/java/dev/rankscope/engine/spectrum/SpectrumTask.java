package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Computes the singular values of many matrices of one checkpoint, streaming each result to a
 * {@link SpectrumListener}. Whole matrices are scheduled across {@code parallelism} workers, each
 * native call using {@code max(1, cores / parallelism)} BLAS threads (set through
 * {@link SvdBackend#setThreadsPerCall}, process-global for the native backend, when the task
 * starts). Cancellation is checked between matrices (a running native call is never
 * interrupted). Progress is the fraction of matrices done. A matrix that fails is reported to
 * the listener and does not stop the others. The files holding a matrix are checked against
 * their identity at open ({@link TensorSource#verifyUnchanged}) before it is read and again
 * before its spectrum is reported, so a file changed during the run fails its matrices (named
 * {@code CHANGED}) instead of producing spectra mixed from two versions or caching them under
 * the old identity. Float32 runs the backend's single-precision path
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
 * the project's 2-core AMD EPYC (OpenBLAS 0.3.31, runtime core Zen), 2026-11-23, two matrices
 * per size with the power-law spectrum σ_i = (i+1)^−0.6 ({@code SyntheticMatrices}), values
 * only, wall time for both matrices:
 * <pre>
 * size         path    2 workers × 1 BLAS thread   1 worker × 2 BLAS threads
 * 2048×2048    gesdd    21.0 s                     117.0 s
 * 2048×2048    Gram     16.3 s                     137.1 s
 * 2048×5632    gesdd    99.4 s                     614.4 s
 * 2048×5632    Gram     38.8 s                     141.3 s
 * 4096×4096    gesdd   330.1 s                     not finished (projected &gt; 30 min, stopped)
 * </pre>
 * The machine was shared with other jobs (load average 17–30 on 2 cores during the runs), so
 * absolute times are several times slower than on an idle machine; the 3.6–8× ratio is the
 * point. Why: dgesdd's bidiagonalisation is half BLAS-2 (memory-bound, scales poorly with
 * threads), and OpenBLAS's worker threads spin-wait and stall badly when the cores are
 * oversubscribed, whereas single-threaded calls on independent matrices never synchronise.
 * Reproduce with {@code SvdBenchmark.compareScheduling(new NativeBackend(), shape, 2,
 * [{2,1},{1,2}], seed)} (same procedure as the probe that produced these numbers).
 * The cost is memory: each worker holds one matrix (8·m·n bytes on the heap plus the same
 * off-heap during dgesdd; far less on the streamed Gram path).
 */
public class SpectrumTask extends AbstractTask {
    private final TensorSource source;
    private final List<MatrixRef> refs;
    private final SvdBackend backend;
    private final Precision precision;
    private final int parallelism;
    private final SvdBackend.Tolerance tolerance;
    private final SpectrumListener listener;
    /** Spectrum tasks running in this process (the BLAS thread count is process-global). */
    private static final AtomicInteger RUNNING = new AtomicInteger();
    /** Injected budget, or null: then one is taken from the runtime when the task starts. */
    private final MemoryBudget fixedBudget;
    private volatile MemoryBudget memory;

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
        this(source, refs, backend, precision, parallelism, tolerance, null, listener);
    }

    /**
     * @param memory admission control shared by the workers ({@link MemoryBudget}); null takes
     *               {@link MemoryBudget#fromRuntime()} when the task starts
     */
    public SpectrumTask(TensorSource source, List<MatrixRef> refs, SvdBackend backend, Precision precision,
                        int parallelism, SvdBackend.Tolerance tolerance, MemoryBudget memory,
                        SpectrumListener listener) {
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
        this.fixedBudget = memory;
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
        memory = fixedBudget != null ? fixedBudget : MemoryBudget.fromRuntime();
        int threadsBefore = backend.info().threads();
        backend.setThreadsPerCall(blasThreadsFor(parallelism));
        RUNNING.incrementAndGet();
        try {
            runAll();
        } finally {
            RUNNING.decrementAndGet();
            backend.setThreadsPerCall(Math.max(1, threadsBefore));
        }
    }

    private void runAll() {
        int total = refs.size();
        AtomicInteger done = new AtomicInteger();
        progress(0, "0 of " + total + " matrices");
        if (parallelism == 1) {
            try (Prefetcher ahead = new Prefetcher(source, refs, 1)) {
                for (MatrixRef ref : refs) {
                    checkCancelled();
                    ahead.started();
                    computeOne(ref);
                    int d = done.incrementAndGet();
                    progress((double) d / total, d + " of " + total + " matrices");
                }
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "rankscope-spectrum");
            t.setDaemon(true);
            return t;
        });
        Tail tail = new Tail(total);
        List<MatrixRef> order = largestFirst(refs);
        Prefetcher ahead = new Prefetcher(source, order, parallelism);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (MatrixRef ref : order) {
                futures.add(pool.submit(() -> {
                    if (isCancelled()) {
                        return;
                    }
                    ahead.started();
                    tail.started();
                    try {
                        computeOne(ref);
                    } finally {
                        tail.finished();
                    }
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
            ahead.close();
            pool.shutdownNow();
            awaitWorkers(pool);
        }
        checkCancelled();
    }

    /**
     * Keeps the cores busy at the end of a run: once every matrix has been started, a worker that
     * finishes leaves its core to the ones still computing by raising the BLAS threads per call to
     * {@code cores / workers still computing}. OpenBLAS reads its thread count at every BLAS call,
     * so the reductions already in flight use the freed core from their next call on (dsyrk blocks,
     * the panels of dsytrd/dsytrd_2stage). Only while this is the only running spectrum task, since
     * the count is process-global; {@link #work()} restores it at the end. Measured with two
     * 4096² Gram reductions (OpenBLAS 0.3.31, core Zen): one thread 10.6 s, the same with two
     * threads 7.4 s (docs/PERFORMANCE.md, round 6). {@code -Drankscope.tailThreads=false} turns it
     * off (for side-by-side benchmarks).
     */
    private final class Tail {
        private final int total;
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger computing = new AtomicInteger();

        Tail(int total) {
            this.total = total;
        }

        void started() {
            started.incrementAndGet();
            computing.incrementAndGet();
        }

        void finished() {
            int still = computing.decrementAndGet();
            if (started.get() == total && still > 0 && RUNNING.get() == 1 && !isCancelled()
                    && !"false".equals(System.getProperty("rankscope.tailThreads"))) {
                int cores = Runtime.getRuntime().availableProcessors();
                int threads = Math.max(1, cores / still);
                if (threads > blasThreadsFor(parallelism)) {
                    backend.setThreadsPerCall(threads);
                }
            }
        }
    }

    /**
     * The order in which parallel workers take matrices: the most expensive first (flop model
     * m·n·min(m, n) of the Gram/SVD), so the last matrices in flight are small ones and no worker
     * idles at the end of a run while one large matrix is left. Stable for equal costs; results are
     * reported per matrix and collected in checkpoint order, so only the schedule changes.
     */
    static List<MatrixRef> largestFirst(List<MatrixRef> refs) {
        List<MatrixRef> order = new ArrayList<>(refs);
        order.sort(java.util.Comparator.comparingDouble((MatrixRef r) -> -cost(r)));
        return order;
    }

    private static double cost(MatrixRef r) {
        return (double) r.rows() * r.cols() * Math.min(r.rows(), r.cols()) * Math.max(1, r.sigmaCount() / Math.max(1, r.minDim()));
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

    /**
     * Reads and decomposes one matrix, reporting the result or the failure. Each step first
     * claims its memory from the task's {@link MemoryBudget}: a matrix that could never fit is
     * reported as a failure with the watchdog message, before anything is allocated.
     */
    protected void computeOne(MatrixRef ref) {
        long t0 = System.nanoTime();
        try {
            source.verifyUnchanged(ref.tensor());
            SvdResult r;
            if (ref.isPooled()) {
                r = pooledValues(ref);
            } else if (precision == Precision.F64 && backend instanceof NativeBackend nb
                    && nb.gramPolicy().tries(ref.minDim())) {
                // Gram without a full copy (peak O(p² + block)); dgesdd in memory only when the
                // error estimate rejects it — never a second Gram attempt.
                Optional<SvdResult> streamed = withMemory(ref,
                        MemoryBudget.Need.streamedGram(ref, StreamingGram.DEFAULT_BLOCK_ELEMENTS),
                        () -> StreamingGram.tryValues(source, ref, tolerance, StreamingGram.DEFAULT_BLOCK_ELEMENTS));
                r = streamed.isPresent() ? streamed.get()
                        : withMemory(ref, MemoryBudget.Need.inMemoryNative(ref, precision, false),
                                () -> nb.gesddValues(MatrixReader.read(source, ref)));
            } else {
                r = inMemory(ref);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            pauseForTests();
            source.verifyUnchanged(ref.tensor());
            listener.onSpectrum(new Spectrum(ref, r.sigma(), r.method(), precision, false, ms));
        } catch (RankscopeException e) {
            listener.onFailure(ref, e);
        } catch (java.util.concurrent.CancellationException e) {
            // cancelled while waiting for memory: nothing computed, nothing reported
        } catch (OutOfMemoryError e) {
            listener.onFailure(ref, new RankscopeException("not enough memory for matrix " + ref.id()
                    + " (" + ref.shapeString() + ")", e.toString(), e));
        }
    }

    /**
     * Test hook: sleeps {@code rankscope.test.matrixDelayMillis} (system property, default 0)
     * between computing a matrix and reporting it, widening the window in which end-to-end tests
     * change a checkpoint's files mid-run. No effect unless the property is set.
     */
    private static void pauseForTests() {
        long ms = Long.getLong("rankscope.test.matrixDelayMillis", 0);
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The matrix read whole and decomposed by the backend, after claiming its memory. */
    private SvdResult inMemory(MatrixRef ref) {
        MemoryBudget.Need need = backend instanceof NativeBackend nb
                ? MemoryBudget.Need.inMemoryNative(ref, precision,
                        precision == Precision.F64 && nb.gramPolicy().tries(ref.minDim()))
                : MemoryBudget.Need.onHeap(ref);
        return withMemory(ref, need, () -> backend.singularValues(MatrixReader.read(source, ref), tolerance, precision));
    }

    private <T> T withMemory(MatrixRef ref, MemoryBudget.Need need, java.util.function.Supplier<T> step) {
        MemoryBudget budget = memory != null ? memory : MemoryBudget.fromRuntime();
        budget.acquire(ref, need, this::isCancelled);
        try {
            return step.get();
        } finally {
            budget.release(need);
        }
    }

    /**
     * Pooled ESD of a conv kernel (SPEC §7, WeightWatcher style): σ of each of the kh·kw out × in
     * slices, concatenated and sorted descending. The method reported is the first slice's.
     */
    private SvdResult pooledValues(MatrixRef ref) {
        int k = ref.selection().poolSlices();
        double[] all = new double[ref.sigmaCount()];
        int at = 0;
        SvdMethod method = null;
        for (int s = 0; s < k; s++) {
            SvdResult one = inMemory(ref.pooledSlice(s));
            double[] sigma = one.sigma();
            System.arraycopy(sigma, 0, all, at, sigma.length);
            at += sigma.length;
            method = method == null ? one.method() : method;
        }
        double[] pooled = Arrays.copyOf(all, at);
        Arrays.sort(pooled);
        for (int i = 0, j = pooled.length - 1; i < j; i++, j--) {
            double t = pooled[i];
            pooled[i] = pooled[j];
            pooled[j] = t;
        }
        return new SvdResult(pooled, null, null, method);
    }
}
