package dev.rankscope.app.cli;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.intruders.IntrudersJob;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.report.ReportExportTask;
import dev.rankscope.application.report.ReportJob;
import dev.rankscope.application.report.ReportParameters;
import dev.rankscope.application.report.ReportResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code rankscope report CHECKPOINT --out report.html}: analyses every matrix (with the spectrum
 * cache, like {@code analyze}) and writes one self-contained HTML report ({@link ReportJob}: the same
 * code as the workbench's File ▸ Export Report…) with
 * charts rendered headless. Optionally summarises a rank plan ({@code --plan}), an intruder
 * comparison with a base checkpoint or a PEFT adapter, and charts a quality-vs-size sweep of the
 * model ({@code --quality SWEEP.json}, the JSON of {@code evaluate --sweep}). Never writes over an input. Matrices (or
 * compared pairs) that cannot be analysed are named once on stderr and listed in the report; the
 * run then ends with exit code 1 ({@link MatrixFailures}).
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Write a self-contained HTML report: summary, metrics, layer map, notable spectra, provenance.",
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {RankscopeCli.EXIT_0, RankscopeCli.EXIT_1, RankscopeCli.EXIT_2})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint file, folder, or sharded index.")
    Path checkpoint;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write.")
    Path out;

    @Option(names = "--plan", paramLabel = "FILE", description = "A rankscope-plan JSON to summarise.")
    Path plan;

    @Option(names = "--quality", paramLabel = "SWEEP.json",
            description = "A quality-vs-size sweep (rankscope evaluate --sweep --json) of this model: adds its chart and table.")
    Path quality;

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

    @Option(names = "--k", paramLabel = "K", defaultValue = "10",
            description = "With --base/--adapter: top fine-tuned singular vectors examined, 1..100 (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--epsilon", paramLabel = "EPS", defaultValue = "0.5",
            description = "With --base/--adapter: cosine threshold below which a vector is an intruder (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @picocli.CommandLine.Mixin
    AnalysisOptions options = new AnalysisOptions();

    @Option(names = "--dtype", paramLabel = "PRECISION", defaultValue = "f64",
            description = "Arithmetic precision: f64 or f32. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--chart-width", paramLabel = "PX", defaultValue = "560",
            description = "Width of each chart in pixels. Default: ${DEFAULT-VALUE}.")
    int chartWidth;

    @Option(names = "--chart-height", paramLabel = "PX", defaultValue = "360",
            description = "Height of each spectrum chart in pixels. Default: ${DEFAULT-VALUE}.")
    int chartHeight;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ReportJob job = new ReportJob(options.job(), new IntrudersJob(IntrudersJob.Environment.defaults()));
        ReportResult result = CliJobs.run(job.task(parameters()), err, options.quiet);
        ReportExportTask.Outcome report = result.report();
        MatrixFailures failures = MatrixFailures.of(report.analysis().matrices().size(), report.failures());
        failures.print(err);
        MatrixFailures comparisonFailures = result.comparison() == null ? MatrixFailures.NONE
                : MatrixFailures.of(result.comparison().matrices().size(), result.comparisonFailures());
        comparisonFailures.print(err);
        if (!options.quiet) {
            err.printf("rankscope: %d matrices in %.2f s; wrote %s%n", report.analysis().matrices().size(),
                    result.seconds(), report.target());
        }
        return MatrixFailures.worst(failures.exitCode(), comparisonFailures.exitCode());
    }

    /** The options as the job's parameters; a bad value exits 2 naming the option. */
    ReportParameters parameters() {
        ChartSize size = chartSize();
        IntruderParameters intruderParams;
        try {
            intruderParams = new IntruderParameters(k, epsilon);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--k/--epsilon: " + e.getMessage());
        }
        try {
            return new ReportParameters(checkpoint, out, plan, comparison == null ? null : comparison.base,
                    comparison == null ? null : comparison.adapter, quality, intruderParams, size, options.preference(),
                    options.threads(), !options.noCache);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
    }

    private ChartSize chartSize() {
        try {
            return new ChartSize(chartWidth, chartHeight);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--chart-width/--chart-height: " + e.getMessage());
        }
    }
}
