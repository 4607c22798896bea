package dev.rankscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rankscope.engine.bench.SvdBenchmark;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.runtime.ForwardBench;
import dev.rankscope.runtime.ForwardMonitor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code rankscope bench}: times every backend and path on generated matrices (median of
 * {@code --repeat} runs), with GFLOP/s and the largest deviation from LAPACK dgesdd, next to
 * numpy's {@code svd(compute_uv=False)} when Debian's python3 has numpy. With {@code --model} it
 * analyses a whole synthetic checkpoint instead ({@link ModelBench}); {@code --forward} times the
 * runtime's forward pass ({@link ForwardBench}) and {@code --calibrate} the calibrate job
 * ({@link CalibrateBench}) on such a checkpoint.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark the SVD backends (or, with --model, a whole synthetic checkpoint; with --forward, the model "
                + "runtime's forward pass; with --calibrate, the calibrate job).")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--sizes", paramLabel = "MxN,...", defaultValue = "1024x1024,1024x2816",
            description = "Matrix shapes. Default: ${DEFAULT-VALUE}.")
    String sizes;

    @Option(names = "--repeat", defaultValue = "3", description = "Runs per path (median reported). Default: ${DEFAULT-VALUE}.")
    int repeat;

    @Option(names = "--ojalgo-max", defaultValue = "1024", description = "Largest min(m,n) timed on ojAlgo (it is slow). Default: ${DEFAULT-VALUE}.")
    int ojAlgoMax;

    @Option(names = "--no-numpy", description = "Skip the numpy comparison.")
    boolean noNumpy;

    @Option(names = "--model", paramLabel = "PRESET",
            description = "Analyse a synthetic checkpoint end to end: tinyllama or llama-7b (generated once into the cache folder).")
    String model;

    @Option(names = "--quick", description = "With --model: time the workbench's quick preview (approximate top-64 "
            + "of every matrix, one after another) from opening, instead of the exact analysis.")
    boolean quick;

    @Option(names = "--filter", paramLabel = "REGEX", description = "With --model: only matrices whose name contains a match.")
    String filter;

    @Option(names = "--numpy-limit", defaultValue = "0",
            description = "With --model: time numpy on only the first N matrices (0 = all).")
    int numpyLimit;

    @Option(names = "--eigen", paramLabel = "N,...",
            description = "Time the one-stage and two-stage eigenvalue reductions of N×N Grams (one thread) and report "
                    + "the crossover the engine should use (e.g. 1024,2048,3072,4096).")
    String eigen;
    @Option(names = "--forward",
            description = "Time the model runtime's forward pass on a synthetic causal LM (--model preset, default tinyllama) "
                    + "next to the engine's sgemm in the same run.")
    boolean forward;

    @Option(names = "--calibrate",
            description = "Time the calibrate job (rankscope calibrate) on a synthetic causal LM (--model preset, default "
                    + "tinyllama) over --tokens random tokens: wall time, tokens/s, peak RSS, BLAS core, load average.")
    boolean calibrate;

    @Option(names = "--tokens", defaultValue = "8192",
            description = "With --calibrate: calibration tokens. Default: ${DEFAULT-VALUE}.")
    long tokens;

    @Option(names = "--seq-len", defaultValue = "512",
            description = "With --forward: tokens per sequence (default ${DEFAULT-VALUE}); with --calibrate: the window, "
                    + "capped at the model's 2048 positions (default there: 2048).")
    int seqLen;

    @Option(names = "--sequences", defaultValue = "1", description = "With --forward: sequences per batch. Default: ${DEFAULT-VALUE}.")
    int sequences;

    @Option(names = "--layers", defaultValue = "0",
            description = "With --forward or --calibrate: keep only the first N layers of the preset's shape (per-layer peak "
                    + "memory of a large model without generating all of it; 0 = all). Default: ${DEFAULT-VALUE}.")
    int layers;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (repeat < 1) {
            throw new CliOptions.BadOptionException("--repeat must be at least 1");
        }
        if (quick && model == null) {
            throw new CliOptions.BadOptionException("--quick needs --model (" + String.join(", ", ModelShape.presetNames()) + ")");
        }
        if (eigen != null) {
            return eigenCrossover(spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (forward && calibrate) {
            throw new CliOptions.BadOptionException("--forward and --calibrate are separate benchmarks; run one at a time");
        }
        if (forward) {
            return forwardBench();
        }
        if (model != null && quick) {
            return new ModelBench(spec.commandLine().getOut(), spec.commandLine().getErr()).quick(model,
                    filter == null ? null : compileFilter(filter));
        }
        if (calibrate) {
            if (tokens < 2) {
                throw new CliOptions.BadOptionException("--tokens must be at least 2");
            }
            int window = spec.commandLine().getParseResult().hasMatchedOption("--seq-len") ? seqLen : 2048;
            if (window < 2) {
                throw new CliOptions.BadOptionException("--seq-len must be at least 2");
            }
            return new CalibrateBench(spec.commandLine().getOut(), spec.commandLine().getErr())
                    .run(benchShape(), ModelShape.preset(presetName()).layers(), tokens, window);
        }
        if (model != null) {
            return new ModelBench(spec.commandLine().getOut(), spec.commandLine().getErr()).run(model, !noNumpy, numpyLimit,
                    filter == null ? null : compileFilter(filter));
        }
        List<SvdBenchmark.Shape> shapes = new ArrayList<>();
        for (String s : sizes.split(",")) {
            try {
                shapes.add(SvdBenchmark.Shape.parse(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new CliOptions.BadOptionException("--sizes: '" + s + "' is not MxN (e.g. 4096x11008)");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NativeBackend nativeBackend = dev.rankscope.engine.linalg.NativeLibrary.status().available() ? new NativeBackend() : null;
        SvdBenchmark bench = new SvdBenchmark(new SvdBenchmark.Parameters(shapes, repeat,
                SvdBenchmark.Parameters.of(shapes, repeat).seed(), ojAlgoMax, SvdBenchmark.Parameters.of(shapes, repeat).tolerance()),
                nativeBackend, new OjAlgoBackend());
        err.println("rankscope bench: engine " + (nativeBackend != null ? nativeBackend.info().describe() : "native unavailable"));
        out.printf("%-12s %-26s %-12s %10s %9s %12s %12s  %s%n",
                "shape", "path", "method", "median s", "GFLOP/s", "max rel dev", "max abs/σ₁", "note");
        bench.run(r -> {
            out.printf("%-12s %-26s %-12s %10.3f %9.2f %12.2e %12.2e  %s%n", r.shape(), r.path().label(), r.method(),
                    r.medianSeconds(), r.gflops(), r.maxRelativeDeviation(), r.maxAbsoluteDeviation(), r.note());
            out.flush();
        }, () -> false);
        if (!noNumpy) {
            if (!NumpyReference.available()) {
                err.println("rankscope bench: numpy comparison skipped (/usr/bin/python3 with numpy not found; apt-get install python3-numpy)");
            } else {
                Optional<JsonNode> np = NumpyReference.run("numpy_svd.py", List.of(sizes, Integer.toString(repeat)), 120);
                np.ifPresent(list -> {
                    for (JsonNode row : list) {
                        out.printf("%-12s %-26s %-12s %10.3f %9s %12s %12s  %s%n", row.get("m").asInt() + "x" + row.get("n").asInt(),
                                "numpy svd f64 (compute_uv=False)", "gesdd", row.get("median_s").asDouble(), "", "", "",
                                "numpy " + row.get("numpy").asText());
                    }
                });
                if (np.isEmpty()) {
                    err.println("rankscope bench: numpy comparison failed to run");
                }
            }
        }
        return 0;
    }

    private int eigenCrossover(PrintWriter out, PrintWriter err) {
        if (!dev.rankscope.engine.linalg.NativeLibrary.status().available()) {
            throw new CliOptions.BadOptionException("--eigen needs the native engine, which is not available here");
        }
        err.println("rankscope bench: engine " + new NativeBackend().info().describe() + " (timed with one thread)");
        out.printf("%-8s %12s %12s %8s%n", "n", "1-stage s", "2-stage s", "ratio");
        Integer crossover = null;
        for (String s : eigen.split(",")) {
            int n;
            try {
                n = Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                throw new CliOptions.BadOptionException("--eigen: '" + s + "' is not a whole number");
            }
            if (n < 2) {
                throw new CliOptions.BadOptionException("--eigen sizes must be at least 2");
            }
            dev.rankscope.engine.linalg.KernelTimer.Timing t = dev.rankscope.engine.linalg.KernelTimer.time(n, n, repeat, 11);
            out.printf(java.util.Locale.ROOT, "%-8d %12.3f %12.3f %8.2f%n", n, t.oneStage(), t.twoStage(), t.oneStage() / t.twoStage());
            if (crossover == null && t.twoStage() < t.oneStage()) {
                crossover = n;
            }
            out.flush();
        }
        out.println(crossover == null ? "two-stage faster at none of these sizes"
                : "two-stage faster from n = " + crossover + " among these sizes; the engine switches at n ≥ "
                + dev.rankscope.engine.linalg.KernelTimer.twoStageFrom() + " (-Drankscope.twoStageFrom=N to change)");
        return 0;
    }

    /** {@code --forward}: {@link ForwardBench} on a synthetic checkpoint (generated once). */
    private int forwardBench() {
        if (seqLen < 2 || sequences < 1) {
            throw new CliOptions.BadOptionException("--seq-len must be at least 2 and --sequences at least 1");
        }
        ModelShape shape = benchShape();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path dir = ModelBench.syntheticCheckpoint(shape, err);
        String loadBefore = CalibrateBench.loadAverage();
        ForwardBench.Result r = ForwardBench.run(new ForwardBench.Parameters(dir, seqLen, sequences, repeat), ForwardMonitor.NONE);
        out.printf("model          %s (synthetic BF16, %s)%n", shape.name(), dir);
        out.printf("BLAS           %s%n", r.blas());
        out.printf(Locale.ROOT, "forward        %d tokens, %.1f GFLOP per pass: %.2f s wall (median of %d) = %.1f GFLOP/s, "
                + "%.1f tokens/s; %.2f CPU-s = %.1f GFLOP/CPU-s%n", r.tokens(), r.forwardGflop(), r.forwardSeconds(), repeat,
                r.forwardGflops(), r.tokensPerSecond(), r.forwardCpuSeconds(), r.forwardGflopsPerCpuSecond());
        out.printf(Locale.ROOT, "sgemm          %s (timed after each pass): %.1f GFLOP/s, %.1f GFLOP/CPU-s%n",
                r.sgemmShape(), r.sgemmGflops(), r.sgemmGflopsPerCpuSecond());
        out.printf(Locale.ROOT, "efficiency     %.0f %% of sgemm by wall, %.0f %% by CPU time (median over passes; goal ≥ 50 %%)%n",
                100 * r.wallEfficiency(), 100 * r.cpuEfficiency());
        out.printf(Locale.ROOT, "wall           %.1f s for %d passes and their sgemm references%n", r.totalSeconds(), repeat);
        out.printf(Locale.ROOT, "load average   %s before, %s after, on %d cores (a wall time under load is not a speed)%n",
                loadBefore, CalibrateBench.loadAverage(), Runtime.getRuntime().availableProcessors());
        out.printf("peak RSS       %s (max heap %d MB)%n", r.peakRssMb() < 0 ? "n/a" : r.peakRssMb() + " MB",
                Runtime.getRuntime().maxMemory() >> 20);
        return 0;
    }

    private String presetName() {
        return model == null ? "tinyllama" : model;
    }

    /** The --model preset (default tinyllama), cut to its first --layers layers when asked. */
    private ModelShape benchShape() {
        ModelShape shape;
        try {
            shape = ModelShape.preset(presetName());
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--model must be one of " + ModelShape.presetNames());
        }
        if (layers < 0) {
            throw new CliOptions.BadOptionException("--layers must be at least 0");
        }
        if (layers > 0 && layers < shape.layers()) {
            shape = new ModelShape(shape.name() + "-" + layers + "layers", layers, shape.hidden(), shape.intermediate(),
                    shape.heads(), shape.kvHeads(), shape.vocab(), shape.tiedEmbeddings());
        }
        return shape;
    }

    private static java.util.regex.Pattern compileFilter(String regex) {
        try {
            return java.util.regex.Pattern.compile(regex);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new CliOptions.BadOptionException("--filter is not a valid regular expression: " + e.getDescription());
        }
    }
}
