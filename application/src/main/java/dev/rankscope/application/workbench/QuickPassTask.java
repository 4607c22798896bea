package dev.rankscope.application.workbench;

import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.PhaseTimes;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.SpectrumTask;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The workbench's quick approximate pass: for each matrix, the top {@value #TOP_K} singular
 * values and the honest metrics of {@link TopKPreview#analyze}, streamed to an
 * {@link AnalysisSink}. Exact results replace these later; nothing here is ever written to the
 * spectrum cache.
 *
 * <p>Matrices with p = min(m, n) ≤ {@value #TOP_K} are skipped (their exact SVD is as cheap), as
 * are matrices {@code skip} accepts (exact spectrum already cached). A matrix whose read or
 * randomised SVD fails is skipped silently: the exact pass reports it. Cancels between matrices.
 *
 * <p>Scheduling: {@code parallelism} workers take whole matrices, largest first, each with
 * {@code max(1, cores / parallelism)} BLAS threads (set through the backend, process-global, for
 * the task's duration and restored after, as {@link SpectrumTask} does). Measured on the 2-core
 * machine (docs/PERFORMANCE.md, round 6): with one worker and two BLAS threads the thin QR
 * factorisations ({@code sgeqrf}/{@code sorgqr} of an 11008×74 panel) took 0.3–1.8 s each instead
 * of 0.03 s on one thread (OpenBLAS's threads spin and wait on panels this small), which made the
 * preview of a 7B matrix ≈ 4× its single-thread cost; two single-thread workers also overlap one
 * matrix's read with the other's arithmetic. Each worker holds one matrix in float32 off-heap,
 * admitted through a {@link MemoryBudget} so two large ones never exceed the process's limit.
 */
final class QuickPassTask extends AbstractTask {
    /** Number of singular values the quick pass estimates. */
    static final int TOP_K = TopKPreview.TOP_K;

    /** Heap held per matrix while it is read: one row block of decoded floats plus its stored bytes. */
    private static final long FLOAT_BLOCK_BYTES = 12L << 20;

    private static final System.Logger LOG = System.getLogger(QuickPassTask.class.getName());
    private final TensorSource source;
    private final List<MatrixEntry> matrices;
    private final Predicate<MatrixEntry> skip;
    private final AnalysisSink sink;
    private final SvdBackend backend;
    private final int parallelism;
    private final PhaseTimes times;

    /**
     * @param source      opened checkpoint (not closed here)
     * @param matrices    matrices of {@code source}, in the order to preview
     * @param skip        matrices not to preview (e.g. exact spectrum cached)
     * @param sink        receives each approximate analysis on a worker thread
     * @param backend     the native backend whose BLAS thread count the workers set
     * @param parallelism matrices previewed at once (≥ 1)
     * @param times       receives the time of each phase ({@link PhaseTimes#NONE} for none)
     */
    QuickPassTask(TensorSource source, List<MatrixEntry> matrices, Predicate<MatrixEntry> skip, AnalysisSink sink,
                  SvdBackend backend, int parallelism, PhaseTimes times) {
        super("Quick preview of " + source.path().getFileName());
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be ≥ 1, got " + parallelism);
        }
        this.source = source;
        this.matrices = List.copyOf(matrices);
        this.skip = skip;
        this.sink = sink;
        this.backend = backend;
        this.parallelism = parallelism;
        this.times = times;
    }

    @Override
    protected void work() {
        List<MatrixEntry> todo = new ArrayList<>();
        for (MatrixEntry e : matrices) {
            checkCancelled();
            if (e.fullRank() > TOP_K && !skip.test(e)) {
                todo.add(e);
            }
        }
        todo.sort(Comparator.comparingLong((MatrixEntry e) -> -e.ref().numel()));
        int n = todo.size();
        progress(0, "≈ top " + TOP_K + ": 0 of " + n + " matrices");
        int workers = Math.min(parallelism, Math.max(1, n));
        int threadsBefore = backend.info().threads();
        backend.setThreadsPerCall(SpectrumTask.blasThreadsFor(workers));
        try {
            runWorkers(todo, workers);
        } finally {
            backend.setThreadsPerCall(Math.max(1, threadsBefore));
        }
        checkCancelled();
    }

    /** Runs {@code workers} workers (this thread and workers − 1 more) over {@code todo}; returns when all have stopped. */
    private void runWorkers(List<MatrixEntry> todo, int workers) {
        MemoryBudget memory = MemoryBudget.fromRuntime();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Runnable worker = () -> {
            try {
                for (int i = next.getAndIncrement(); i < todo.size() && !isCancelled() && failure.get() == null;
                     i = next.getAndIncrement()) {
                    previewInto(todo.get(i), memory);
                    int d = done.incrementAndGet();
                    progress((double) d / todo.size(), "≈ top " + TOP_K + ": " + d + " of " + todo.size() + " matrices");
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        };
        List<Thread> helpers = new ArrayList<>();
        for (int w = 1; w < workers; w++) {
            Thread t = new Thread(worker, "rankscope-quick-preview");
            t.setDaemon(true);
            t.start();
            helpers.add(t);
        }
        worker.run();
        boolean interrupted = false;
        for (Thread t : helpers) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    cancel();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /** Previews one matrix into the sink once the budget admits its float32 copy; a failure only skips it. */
    private void previewInto(MatrixEntry e, MemoryBudget memory) {
        MemoryBudget.Need need = new MemoryBudget.Need(FLOAT_BLOCK_BYTES, TopKPreview.offHeapBytes(e.ref()),
                "the quick preview");
        try {
            memory.acquire(e.ref(), need, this::isCancelled);
        } catch (RankscopeException tooLarge) {
            LOG.log(System.Logger.Level.DEBUG, "quick preview of " + e.id() + " skipped: " + tooLarge.getMessage());
            return;
        } catch (java.util.concurrent.CancellationException cancelled) {
            return;
        }
        try {
            sink.onMatrix(TopKPreview.analyze(source, e.ref(), e.name(), e.dtype(), times));
        } catch (RankscopeException failure) {
            LOG.log(System.Logger.Level.DEBUG, "quick preview of " + e.id() + " skipped: " + failure.getMessage());
        } finally {
            memory.release(need);
        }
    }
}
