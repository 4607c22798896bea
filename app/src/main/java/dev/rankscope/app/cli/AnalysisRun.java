package dev.rankscope.app.cli;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.CachedAnalysis;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

/**
 * The CLI's shared analysis pipeline (used by {@code analyze}, {@code plan} and {@code report}): list the
 * matrices of an opened checkpoint, replay spectra from the on-disk cache, compute the rest with
 * {@link AnalyzeTask} while printing progress to stderr, and assemble a {@link CheckpointAnalysis}.
 * Each matrix that could not be analysed is named once on stderr with its reason (also with
 * {@code --quiet}) and counted in {@link Outcome#failures()}, whose {@link MatrixFailures#exitCode()}
 * the commands return; the other matrices are analysed as usual. A task failure is rethrown for
 * the CLI's error boundary ({@link CliErrors}).
 *
 * @param backend     SVD engine
 * @param precision   arithmetic precision
 * @param parallelism matrices decomposed at once
 * @param useCache    read and write the spectrum cache
 * @param quiet       print nothing on stderr but the failed matrices
 * @param memory      memory admission control for the spectra, or null for the runtime's ({@link MemoryBudget#fromRuntime()})
 * @param cacheLimit  size limit of the spectrum cache in bytes (least recently used entries are evicted)
 */
record AnalysisRun(SvdBackend backend, Precision precision, int parallelism, boolean useCache, boolean quiet,
                   MemoryBudget memory, long cacheLimit) {

    /**
     * @param analysis the result (every selected matrix that could be analysed, failures listed)
     * @param selected how many matrices were selected
     * @param seconds  wall time of cache replay plus computation
     * @param failures the selected matrices that could not be analysed (already printed on stderr)
     */
    record Outcome(CheckpointAnalysis analysis, int selected, double seconds, MatrixFailures failures) {
        /** The shared exit-code rule ({@link MatrixFailures#exitCode()}). */
        int exitCode() {
            return failures.exitCode();
        }
    }

    /** Analyses the whole stored matrices of {@code source} ({@link MatrixExtractor}) whose id passes {@code keep}. */
    Outcome run(TensorSource source, Predicate<String> keep, PrintWriter err) {
        return run(source, MatrixExtractor.matrices(source.tensors()), keep, err);
    }

    /**
     * Analyses those of {@code all} (every matrix listed for {@code source}, e.g. a
     * {@code MatrixListing} with fused-QKV parts) whose id passes {@code keep}.
     */
    Outcome run(TensorSource source, List<MatrixRef> all, Predicate<String> keep, PrintWriter err) {
        List<MatrixRef> refs = all.stream().filter(r -> keep.test(r.id())).toList();
        if (!quiet) {
            err.println("rankscope: " + source.path().getFileName() + " (" + source.format() + "): "
                    + source.tensors().size() + " tensors, " + refs.size() + " matrices; engine "
                    + backend.info().describe());
        }
        AnalysisCollector collector = new AnalysisCollector(refs);
        long t0 = System.nanoTime();
        List<MatrixRef> todo = refs;
        SpectrumCache cache = null;
        FileIdentity identity = null;
        if (useCache) {
            cache = new SpectrumCache(SpectrumCache.defaultDir(), CliOptions.engineVersion(backend), cacheLimit,
                    note -> err.println("rankscope: " + note));
            identity = source.identity();
            todo = CachedAnalysis.replayHits(cache, identity, source, all, refs, precision,
                    AnalysisParameters.DEFAULT, collector);
            if (!quiet && todo.size() < refs.size()) {
                err.println("rankscope: " + (refs.size() - todo.size()) + " spectra from the cache");
            }
        }
        if (!todo.isEmpty()) {
            AnalyzeTask task = new AnalyzeTask(source, todo, backend, precision, parallelism, AnalysisParameters.DEFAULT, memory,
                    cache == null ? collector : CachedAnalysis.storing(cache, identity, collector));
            if (!quiet) {
                task.addListener(new ProgressPrinter(err, todo.size()));
            }
            task.run();
            if (task.status() == AbstractTask.Status.CANCELLED) {
                throw new AbstractTask.CancelledException();
            }
            task.rethrowFailure();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        CheckpointAnalysis analysis = new CheckpointAnalysis(
                new SourceInfo(source.path().toString(), source.format(), HeaderDigest.sha256(source),
                        source.tensors().size(), refs.size()),
                backend.info(), collector.analyses(), Instant.now(), collector.failureMessages());
        MatrixFailures failures = MatrixFailures.ofAnalysis(analysis.matrices().size(), collector.failures());
        failures.print(err);
        return new Outcome(analysis, refs.size(), seconds, failures);
    }

    /**
     * Prints progress at most every two seconds, and once when the run ends (the task signals
     * 100 % twice: for the last matrix and when its spectrum task finishes).
     */
    private static final class ProgressPrinter implements java.util.function.Consumer<AbstractTask.Progress> {
        private static final long INTERVAL_NANOS = 2_000_000_000L;
        private final PrintWriter err;
        private final int total;
        private long lastPrint = System.nanoTime();
        private boolean printedLast;

        ProgressPrinter(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
        }

        @Override
        public synchronized void accept(AbstractTask.Progress p) {
            long now = System.nanoTime();
            boolean last = p.fraction() >= 1.0 && total > 0;
            if (p.status() == AbstractTask.Status.RUNNING && !printedLast && (last || now - lastPrint >= INTERVAL_NANOS)) {
                lastPrint = now;
                printedLast = last;
                err.printf("rankscope: %3.0f%% (%s)%n", p.fraction() * 100, p.message());
            }
        }
    }
}
