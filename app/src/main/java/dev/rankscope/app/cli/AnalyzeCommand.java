package dev.rankscope.app.cli;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.CachedAnalysis;
import dev.rankscope.analysis.report.AnalysisCsv;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.AnalysisTable;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code rankscope analyze CHECKPOINT}: the spectrum and every SPEC §1–2 metric of each matrix,
 * printed as a table, optionally exported as JSON and CSV. Progress goes to stderr.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Compute the singular spectrum and rank metrics of every weight matrix.")
public final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint file, folder, or sharded index.")
    Path checkpoint;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full analysis (all singular values) as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write one CSV row per matrix.")
    Path csv;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only matrices whose name contains a match.")
    String filter;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "auto, native (OpenBLAS/LAPACK) or java (ojAlgo). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--dtype", paramLabel = "PRECISION", defaultValue = "f64",
            description = "Arithmetic precision: f64 or f32. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Matrices decomposed at once (0 = automatic).")
    int threads;

    @Option(names = "--no-cache", description = "Neither read nor write the on-disk spectrum cache.")
    boolean noCache;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Precision precision = CliOptions.precision(dtype);
        SvdBackend backend = Backends.select(CliOptions.engine(engine));
        Pattern pattern = compile(filter);

        try (TensorSource source = Checkpoints.open(checkpoint)) {
            AtomicFileWriter writer = new AtomicFileWriter(source.files());
            if (json != null) {
                writer.checkAllowed(json);
            }
            if (csv != null) {
                writer.checkAllowed(csv);
            }
            List<MatrixRef> all = MatrixExtractor.matrices(source.tensors());
            List<MatrixRef> refs = pattern == null ? all
                    : all.stream().filter(r -> pattern.matcher(r.id()).find()).toList();
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
            if (!noCache) {
                cache = new SpectrumCache(SpectrumCache.defaultDir(), CliOptions.engineVersion(backend));
                identity = identity(source);
                todo = CachedAnalysis.replayHits(cache, identity, source, all, refs, precision,
                        AnalysisParameters.DEFAULT, collector);
                if (!quiet && todo.size() < refs.size()) {
                    err.println("rankscope: " + (refs.size() - todo.size()) + " spectra from the cache");
                }
            }
            if (!todo.isEmpty()) {
                AnalyzeTask task = new AnalyzeTask(source, todo, backend, precision,
                        CliOptions.parallelism(threads), AnalysisParameters.DEFAULT,
                        cache == null ? collector : CachedAnalysis.storing(cache, identity, collector));
                if (!quiet) {
                    task.addListener(new ProgressPrinter(err, todo.size()));
                }
                task.run();
                if (task.status() == AbstractTask.Status.ERROR) {
                    throw task.failure() instanceof RuntimeException re ? re : new IllegalStateException(task.failure());
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            CheckpointAnalysis analysis = new CheckpointAnalysis(
                    new SourceInfo(source.path().toString(), source.format(), HeaderDigest.sha256(source),
                            source.tensors().size(), refs.size()),
                    backend.info(), collector.analyses(), Instant.now(), collector.failureMessages());
            for (String line : AnalysisTable.lines(analysis)) {
                out.println(line);
            }
            for (String failure : collector.failureMessages()) {
                err.println("rankscope: " + failure);
            }
            if (!quiet) {
                err.printf("rankscope: %d matrices in %.2f s%n", collector.analyses().size(), seconds);
            }
            if (json != null) {
                writer.writeBytes(json, AnalysisJson.toJson(analysis).getBytes(StandardCharsets.UTF_8));
                if (!quiet) {
                    err.println("rankscope: wrote " + json);
                }
            }
            if (csv != null) {
                StringWriter sw = new StringWriter();
                try {
                    AnalysisCsv.write(analysis, sw);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                writer.writeBytes(csv, sw.toString().getBytes(StandardCharsets.UTF_8));
                if (!quiet) {
                    err.println("rankscope: wrote " + csv);
                }
            }
            return refs.isEmpty() || !collector.analyses().isEmpty() ? 0 : RankscopeCli.EXIT_BAD_INPUT;
        }
    }

    private static FileIdentity identity(TensorSource source) {
        try {
            return FileIdentity.of(source.files());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Pattern compile(String regex) {
        if (regex == null) {
            return null;
        }
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CliOptions.BadOptionException("--filter is not a valid regular expression: " + e.getDescription());
        }
    }

    /** Prints progress at most every two seconds, and when the run ends. */
    private static final class ProgressPrinter implements java.util.function.Consumer<AbstractTask.Progress> {
        private static final long INTERVAL_NANOS = 2_000_000_000L;
        private final PrintWriter err;
        private final int total;
        private long lastPrint = System.nanoTime();

        ProgressPrinter(PrintWriter err, int total) {
            this.err = err;
            this.total = total;
        }

        @Override
        public synchronized void accept(AbstractTask.Progress p) {
            long now = System.nanoTime();
            boolean last = p.fraction() >= 1.0 && total > 0;
            if (p.status() == AbstractTask.Status.RUNNING && (last || now - lastPrint >= INTERVAL_NANOS)) {
                lastPrint = now;
                err.printf("rankscope: %3.0f%% (%s)%n", p.fraction() * 100, p.message());
            }
        }
    }
}
