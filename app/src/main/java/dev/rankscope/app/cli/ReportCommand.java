package dev.rankscope.app.cli;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.views.charts.render.ChartSize;
import dev.rankscope.views.report.HtmlReport;
import dev.rankscope.views.report.IntruderSummary;
import dev.rankscope.views.report.ModelConfigFacts;
import dev.rankscope.views.report.ReportInput;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rankscope report CHECKPOINT --out report.html}: analyses every matrix (with the spectrum
 * cache, like {@code analyze}) and writes one self-contained HTML report ({@link HtmlReport}) with
 * charts rendered headless. Optionally summarises a rank plan ({@code --plan}) and an intruder
 * comparison with a base checkpoint or a PEFT adapter. Never writes over an input.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report: summary, metrics, layer map, notable spectra, provenance.")
public final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint file, folder, or sharded index.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path out;

    @Option(names = "--plan", paramLabel = "FILE", description = "A rankscope-plan JSON to summarise.")
    Path plan;

    @ArgGroup(exclusive = true)
    Comparison comparison;

    /** --base and --adapter exclude each other. */
    static final class Comparison {
        @Option(names = "--base", paramLabel = "PATH",
                description = "Base checkpoint CHECKPOINT was fine-tuned from: adds the intruder summary.")
        Path base;

        @Option(names = "--adapter", paramLabel = "DIR",
                description = "PEFT LoRA adapter folder for CHECKPOINT (the base): adds the intruder summary.")
        Path adapter;
    }

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "auto, native (OpenBLAS/LAPACK) or java (ojAlgo). Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--dtype", paramLabel = "PRECISION", defaultValue = "f64",
            description = "Arithmetic precision: f64 or f32. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Matrices decomposed at once (0 = automatic).")
    int threads;

    @Option(names = "--chart-width", paramLabel = "PX", defaultValue = "560",
            description = "Width of each chart in pixels. Default: ${DEFAULT-VALUE}.")
    int chartWidth;

    @Option(names = "--chart-height", paramLabel = "PX", defaultValue = "360",
            description = "Height of each spectrum chart in pixels. Default: ${DEFAULT-VALUE}.")
    int chartHeight;

    @Option(names = "--no-cache", description = "Neither read nor write the on-disk spectrum cache.")
    boolean noCache;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ChartSize size = chartSize();
        SvdBackend backend = Backends.select(CliOptions.engine(engine));
        AnalysisRun run = new AnalysisRun(backend, CliOptions.precision(dtype), CliOptions.parallelism(threads),
                !noCache, quiet);
        Plan planned = plan == null ? null : PlanJson.read(plan);

        try (TensorSource source = Checkpoints.open(checkpoint)) {
            AtomicFileWriter writer = new AtomicFileWriter(protectedInputs(source));
            writer.checkAllowed(out);
            AnalysisRun.Outcome outcome = run.run(source, id -> true, err);
            for (String failure : outcome.analysis().failures()) {
                err.println("rankscope: " + failure);
            }
            long totalParameters = 0;
            for (TensorInfo t : source.tensors()) {
                totalParameters += t.numel();
            }
            ReportInput input = new ReportInput(outcome.analysis(), source.metadata(), ModelConfigFacts.near(checkpoint),
                    totalParameters, planned, compare(source, err), ToolInfo.rankscope(backend.info().describe()).version(),
                    Instant.now(), size);
            HtmlReport.write(input, out, writer);
            if (!quiet) {
                err.printf("rankscope: %d matrices in %.2f s; wrote %s%n", outcome.analysis().matrices().size(),
                        outcome.seconds(), out);
            }
            return outcome.selected() == 0 || !outcome.analysis().matrices().isEmpty() ? 0 : RankscopeCli.EXIT_BAD_INPUT;
        }
    }

    /**
     * The intruder summary for {@code --base}/{@code --adapter}, or null without either.
     * The intruder analysis (SPEC §3) lives on branch h/intruders and is wired here once merged.
     */
    private IntruderSummary compare(TensorSource source, PrintWriter err) {
        if (comparison == null) {
            return null;
        }
        throw new CliOptions.BadOptionException("--base/--adapter need the intruder analysis, which this build does not "
                + "include yet; run without them");
    }

    private List<Path> protectedInputs(TensorSource source) {
        List<Path> inputs = new ArrayList<>(source.files());
        inputs.add(source.path());
        if (plan != null) {
            inputs.add(plan);
        }
        if (comparison != null) {
            inputs.add(comparison.base != null ? comparison.base : comparison.adapter);
        }
        return inputs;
    }

    private ChartSize chartSize() {
        try {
            return new ChartSize(chartWidth, chartHeight);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--chart-width/--chart-height: " + e.getMessage());
        }
    }
}
