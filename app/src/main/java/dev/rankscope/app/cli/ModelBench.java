package dev.rankscope.app.cli;

import dev.rankscope.application.workbench.AnalysisSink;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.engine.linalg.KernelTimer;
import dev.rankscope.engine.linalg.PhaseTimes;
import dev.rankscope.engine.task.AbstractTask;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.CachedAnalysis;
import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.engine.bench.SvdBenchmark;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.SpectrumTask;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code rankscope bench --model PRESET}: generates (once, into the cache folder) a sharded BF16
 * synthetic checkpoint of a real model's shape and measures the whole pipeline on it — open time,
 * full exact analysis (wall, matrices/s, GFLOP/s, peak RSS), cached reopen — and numpy's
 * {@code svd(compute_uv=False)} in float64 over the same matrices when available.
 */
final class ModelBench {
    private final PrintWriter out;
    private final PrintWriter err;

    ModelBench(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    /**
     * Prints the run's kernel floor: Σ over its matrices of the single-thread dsyrk + eigenvalue
     * time of that shape ({@link KernelTimer}, timed once per distinct shape), divided by the cores,
     * next to the wall time — the pipeline's efficiency is floor / wall.
     */
    private void kernelFloor(List<MatrixRef> refs, double wall, SvdBackend backend) {
        if (!dev.rankscope.engine.linalg.NativeLibrary.status().available()) {
            return;
        }
        java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (MatrixRef r : refs) {
            String key = r.rows() + "x" + r.cols();
            shapes.putIfAbsent(key, new int[]{r.rows(), r.cols()});
            counts.merge(key, r.sigmaCount() / Math.max(1, r.minDim()), Integer::sum);
        }
        err.println("rankscope bench: timing the kernels of " + shapes.size() + " distinct shapes (one thread)...");
        double sum = 0;
        StringBuilder detail = new StringBuilder();
        for (var e : shapes.entrySet()) {
            KernelTimer.Timing t = KernelTimer.time(e.getValue()[0], e.getValue()[1], 1, 7);
            sum += t.seconds() * counts.get(e.getKey());
            detail.append(String.format(java.util.Locale.ROOT, "%s%s ×%d: dsyrk %.2f s + eigen %.2f s (1-stage %.2f, 2-stage %.2f)",
                    detail.length() == 0 ? "" : "; ", e.getKey(), counts.get(e.getKey()), t.syrkSeconds(), t.eigenSeconds(),
                    t.oneStage(), t.twoStage()));
        }
        int cores = Runtime.getRuntime().availableProcessors();
        double floor = sum / cores;
        out.printf("kernel floor          %.1f s  (Σ single-thread kernels %.1f CPU-s / %d cores; efficiency floor/wall %.0f %%; %s)%n",
                floor, sum, cores, 100 * floor / wall, backend.info().describe());
        out.printf("kernels per shape     %s%n", detail);
    }

    int run(String preset, boolean numpy, int numpyLimit, java.util.regex.Pattern filter) {
        ModelShape shape;
        try {
            shape = ModelShape.preset(preset);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--model must be one of " + ModelShape.presetNames());
        }
        Path dir = syntheticCheckpoint(shape, err);
        SvdBackend backend = Backends.select(Backends.Preference.AUTO);
        Path cacheDir;
        try {
            cacheDir = Files.createTempDirectory("rankscope-bench-cache");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpectrumCache cache = new SpectrumCache(cacheDir, "bench");
        try {
            long o0 = System.nanoTime();
            List<MatrixRef> refs;
            FileIdentity identity;
            int parallelism = SpectrumTask.defaultParallelism();
            AnalysisCollector collector;
            double openSeconds;
            double wall;
            try (TensorSource source = Checkpoints.open(dir)) {
                refs = MatrixExtractor.matrices(source.tensors());
                openSeconds = (System.nanoTime() - o0) / 1e9;
                if (filter != null) {
                    refs = refs.stream().filter(r -> filter.matcher(r.id()).find()).toList();
                }
                identity = source.identity();
                err.println("rankscope bench: " + refs.size() + " matrices; engine " + backend.info().describe()
                        + "; " + parallelism + " workers");
                collector = new AnalysisCollector(refs);
                AnalyzeTask task = new AnalyzeTask(source, refs, backend, Precision.F64, parallelism,
                        AnalysisParameters.DEFAULT, CachedAnalysis.storing(cache, identity, collector));
                int[] lastTenth = {-1};
                task.addListener(p -> {
                    int tenth = (int) (p.fraction() * 10);
                    synchronized (lastTenth) {
                        if (tenth > lastTenth[0] && !p.message().isBlank()) {
                            lastTenth[0] = tenth;
                            err.println("rankscope bench: " + p.message());
                        }
                    }
                });
                long a0 = System.nanoTime();
                task.run();
                wall = (System.nanoTime() - a0) / 1e9;
            }
            double flops = 0;
            Map<SvdMethod, Integer> methods = new EnumMap<>(SvdMethod.class);
            for (var a : collector.analyses()) {
                var ref = a.spectrum().ref();
                SvdBenchmark.Shape s = new SvdBenchmark.Shape(ref.rows(), ref.cols());
                flops += a.spectrum().method().gramBased() ? SvdBenchmark.gramFlops(s) : SvdBenchmark.svdValuesFlops(s);
                methods.merge(a.spectrum().method(), 1, Integer::sum);
            }
            long r0 = System.nanoTime();
            int replayed;
            try (TensorSource again = Checkpoints.open(dir)) {
                AnalysisCollector second = new AnalysisCollector(refs);
                List<MatrixRef> misses = CachedAnalysis.replayHits(cache, again.identity(), again,
                        refs, refs, Precision.F64, AnalysisParameters.DEFAULT, second);
                replayed = refs.size() - misses.size();
            }
            double reopen = (System.nanoTime() - r0) / 1e9;

            out.printf("model                 %s (%d matrices%s, %,d parameters, BF16, %s)%n", shape.name(), refs.size(),
                    filter == null ? "" : " matching " + filter.pattern(), shape.parameterCount(), dir);
            out.printf("open (tree + shapes)  %.3f s%n", openSeconds);
            out.printf("exact analysis wall   %.1f s  (%.2f matrices/s, %.1f GFLOP/s by the flop models, %d failures)%n",
                    wall, refs.size() / wall, flops / wall / 1e9, collector.failures().size());
            out.printf("methods               %s%n", methods);
            out.printf("cached reopen         %.3f s  (%d of %d spectra from the cache)%n", reopen, replayed, refs.size());
            out.printf("peak RSS              %s%n", peakRss());
            kernelFloor(refs, wall, backend);
            if (numpy) {
                if (!NumpyReference.available()) {
                    err.println("rankscope bench: numpy comparison skipped (/usr/bin/python3 with numpy not found)");
                } else {
                    List<String> args = new ArrayList<>(List.of(dir.toString()));
                    if (filter != null) {
                        args.addAll(List.of("--filter", filter.pattern()));
                    }
                    if (numpyLimit > 0) {
                        args.addAll(List.of("--limit", Integer.toString(numpyLimit)));
                    }
                    Path ourSigma;
                    try {
                        ourSigma = writeSigma(collector, cacheDir);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    args.addAll(List.of("--compare", ourSigma.toString()));
                    err.println("rankscope bench: running numpy svd(compute_uv=False) f64 over the same matrices...");
                    Optional<JsonNode> np = NumpyReference.run("numpy_model.py", args, 600);
                    final int matrixCount = refs.size();
                    final double ourWall = wall;
                    np.ifPresentOrElse(j -> {
                        double npWall = j.get("wall_s").asDouble();
                        int npCount = j.get("matrices").asInt();
                        double perMatrixOurs = ourWall / matrixCount;
                        out.printf("numpy f64 svd         %.1f s over %d matrices (numpy %s)%n", npWall, npCount, j.get("numpy").asText());
                        if (j.has("compared")) {
                            out.printf("accuracy vs numpy     %d matrices compared: max relative deviation %.2e (σ ≥ 1e-3·σ₁),"
                                    + " max |Δσ|/σ₁ %.2e%n", j.get("compared").asInt(), j.get("max_rel_dev").asDouble(),
                                    j.get("max_abs_dev").asDouble());
                        }
                        if (npCount == matrixCount) {
                            out.printf("speed-up vs numpy     %.2fx (same %d matrices)%n", npWall / ourWall, matrixCount);
                        } else {
                            out.printf("speed-up vs numpy     n/a (numpy timed a subset; ours %.2f s/matrix on average)%n", perMatrixOurs);
                        }
                    }, () -> err.println("rankscope bench: numpy comparison failed to run"));
                }
            }
            return collector.failures().isEmpty() ? 0 : 1;
        } finally {
            try {
                cache.clear();
                Files.deleteIfExists(cacheDir.resolve("our-sigma.json"));
                Files.deleteIfExists(cacheDir);
            } catch (IOException ignored) {
                // a temporary cache left behind is harmless
            }
        }
    }

    /**
     * The workbench's quick preview on {@code preset}, through the workbench's own services
     * ({@link EngineWorkbenchServices#open}, then its quick pass: {@link TopKPreview#analyze} of every
     * matrix with min(m, n) &gt; {@value TopKPreview#TOP_K} on {@link SpectrumTask#defaultParallelism()}
     * workers); prints the time from opening until every matrix has approximate values, and where
     * the time went ({@link PhaseTimes}: read, passes over A, QR, small SVD).
     */
    int quick(String preset, java.util.regex.Pattern filter) {
        ModelShape shape;
        try {
            shape = ModelShape.preset(preset);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--model must be one of " + ModelShape.presetNames());
        }
        Path dir = syntheticCheckpoint(shape, err);
        int parallelism = SpectrumTask.defaultParallelism();
        SvdBackend backend = Backends.select(Backends.Preference.AUTO);
        EngineWorkbenchServices services = new EngineWorkbenchServices(() -> backend, parallelism);
        err.println("rankscope bench: quick preview (approximate top " + TopKPreview.TOP_K + "); engine "
                + backend.info().describe() + "; " + parallelism + " workers");
        PhaseTimes times = new PhaseTimes();
        AtomicInteger done = new AtomicInteger();
        double[] firstSeconds = {Double.NaN};
        long storedBytes = 0;
        int listed;
        long o0 = System.nanoTime();
        OpenedCheckpoint cp = services.open(dir);
        try {
            List<MatrixEntry> entries = cp.matrices().stream()
                    .filter(e -> filter == null || filter.matcher(e.id()).find()).toList();
            listed = entries.size();
            for (MatrixEntry e : entries) {
                if (e.fullRank() > TopKPreview.TOP_K) {
                    storedBytes += e.ref().numel() * e.dtype().bytesPerBlock() / e.dtype().elementsPerBlock();
                }
            }
            AnalysisSink sink = new AnalysisSink() {
                @Override
                public void onMatrix(dev.rankscope.analysis.MatrixAnalysis analysis) {
                    if (done.incrementAndGet() == 1) {
                        firstSeconds[0] = (System.nanoTime() - o0) / 1e9;
                    }
                }

                @Override
                public void onFailure(MatrixRef ref, dev.rankscope.engine.RankscopeException error) {
                    err.println("rankscope bench: " + ref.id() + ": " + error.userMessage());
                }
            };
            AbstractTask task = services.quickAnalyze(cp, entries, sink, times).orElseThrow(() ->
                    new CliOptions.BadOptionException("--quick needs the native library (engine: " + backend.info().describe() + ")"));
            task.run();
            task.rethrowFailure();
        } finally {
            cp.close();
        }
        double all = (System.nanoTime() - o0) / 1e9;
        double readWall = times.wallSeconds(PhaseTimes.Phase.READ);
        out.printf("model                 %s (synthetic BF16, %s)%n", shape.name(), dir);
        out.printf("quick preview         %d matrices with approximate top-%d values %.1f s after opening "
                + "(first after %.1f s; %d small matrices left to the exact pass)%n", done.get(), TopKPreview.TOP_K, all,
                firstSeconds[0], listed - done.get());
        out.printf("phases (CPU-s)        %s%n", times.describe());
        out.printf("read                  %.2f GB stored in %.1f s summed over workers (%.0f MB/s per worker; "
                + "far below 1000 means the page cache did not hold the checkpoint)%n", storedBytes / 1e9, readWall,
                readWall > 0 ? storedBytes / 1e6 / readWall : 0);
        out.printf("engine                %s; %d workers%n", backend.info().describe(), parallelism);
        out.printf("peak RSS              %s%n", peakRss());
        return 0;
    }

    /** Our σ per matrix as a JSON object (name → descending σ) in {@code dir}, for the numpy script. */
    private static Path writeSigma(AnalysisCollector collector, Path dir) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        for (var a : collector.analyses()) {
            var arr = root.putArray(a.spectrum().ref().id());
            for (double v : a.spectrum().sigma()) {
                arr.add(v);
            }
        }
        Path file = dir.resolve("our-sigma.json");
        dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(file,
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(root));
        return file;
    }

    /**
     * The synthetic BF16 checkpoint of {@code shape} in the cache folder's {@code bench/} sibling,
     * generated on first use (sharded, with config.json); shared by the SVD and forward benchmarks.
     */
    static Path syntheticCheckpoint(ModelShape shape, PrintWriter err) {
        Path dir = SpectrumCache.defaultDir().getParent().resolve("bench").resolve(shape.name());
        Path marker = dir.resolve("config.json");
        if (!Files.exists(marker)) {
            int shards = (int) Math.max(2, (shape.parameterCount() * 2 + 999_999_999L) / 1_000_000_000L);
            err.println("rankscope bench: generating " + shape.name() + " (" + shards + " shards, BF16) in " + dir + " (once)");
            long g0 = System.nanoTime();
            SyntheticModel.write(dir, new SyntheticModel.Parameters(shape, 42, DType.BF16, shards));
            err.printf("rankscope bench: generated in %.1f s%n", (System.nanoTime() - g0) / 1e9);
        }
        return dir;
    }

    /** VmHWM, the process's peak resident set ({@link ForwardBench#peakRssMb}), as "N MB" or "n/a". */
    static String peakRss() {
        long mb = dev.rankscope.runtime.ForwardBench.peakRssMb();
        return mb < 0 ? "n/a" : mb + " MB";
    }
}
