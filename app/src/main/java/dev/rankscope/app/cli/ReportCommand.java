package dev.rankscope.app.cli;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.intruders.IntruderAnalyzer;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.peft.MergedTensorSource;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.report.HtmlReport;
import dev.rankscope.application.report.IntruderSummary;
import dev.rankscope.application.report.ModelConfigFacts;
import dev.rankscope.application.report.ReportInput;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rankscope report CHECKPOINT --out report.html}: analyses every matrix (with the spectrum
 * cache, like {@code analyze}) and writes one self-contained HTML report ({@link HtmlReport}) with
 * charts rendered headless. Optionally summarises a rank plan ({@code --plan}) and an intruder
 * comparison with a base checkpoint or a PEFT adapter. Never writes over an input. Matrices (or
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
        ChartSize size = chartSize();
        SvdBackend backend = options.backend();
        AnalysisRun run = options.run(backend, CliOptions.precision(dtype));
        IntruderParameters intruderParams = intruderParameters();
        Plan planned = plan == null ? null : PlanJson.read(plan);

        try (TensorSource source = Checkpoints.open(checkpoint)) {
            OutputFiles outputs = OutputFiles.protecting(protectedInputs(source), err, options.quiet, out);
            AnalysisRun.Outcome outcome = run.run(source, id -> true, err);
            long totalParameters = 0;
            for (TensorInfo t : source.tensors()) {
                totalParameters += t.numel();
            }
            IntruderReport compared = compare(source, backend, err);
            MatrixFailures comparisonFailures = compared == null ? MatrixFailures.NONE : MatrixFailures.ofIntruders(compared);
            comparisonFailures.print(err);
            IntruderSummary intruders = compared == null ? null : IntruderSummary.of(compared, intruderParams);
            String version = ToolInfo.rankscope(backend.info().describe()).version();
            ReportInput input = new ReportInput(outcome.analysis(), source.metadata(), ModelConfigFacts.near(checkpoint),
                    totalParameters, planned, intruders, version, Instant.now(), size);
            HtmlReport.write(input, out, outputs.writer());
            if (!options.quiet) {
                err.printf("rankscope: %d matrices in %.2f s; wrote %s%n", outcome.analysis().matrices().size(),
                        outcome.seconds(), out);
            }
            return MatrixFailures.worst(outcome.exitCode(), comparisonFailures.exitCode());
        }
    }

    /**
     * The intruder comparison (SPEC §3) for {@code --base} (CHECKPOINT is the fine-tune of that base)
     * or {@code --adapter} (the adapter merged onto CHECKPOINT; only the matrices it changes are
     * compared), or null without either.
     */
    private IntruderReport compare(TensorSource checkpointSource, SvdBackend backend, PrintWriter err) {
        if (comparison == null) {
            return null;
        }
        if (comparison.base != null) {
            try (TensorSource baseSource = Checkpoints.open(comparison.base)) {
                return compare(baseSource, checkpointSource, Pairing.of(baseSource, checkpointSource), backend, err);
            }
        }
        try (PeftAdapter adapter = PeftAdapter.open(comparison.adapter);
             MergedTensorSource merged = new MergedTensorSource(checkpointSource, adapter)) {
            if (!options.quiet) {
                adapter.notes().forEach(n -> err.println("rankscope: note: " + n));
            }
            Pairing pairing = Pairing.of(checkpointSource, merged).filter(pair -> merged.isChanged(pair.tuned().tensor()));
            return compare(checkpointSource, merged, pairing, backend, err);
        }
    }

    private IntruderReport compare(TensorSource base, TensorSource tuned, Pairing pairing, SvdBackend backend,
                                   PrintWriter err) {
        if (pairing.pairs().isEmpty()) {
            throw new CliOptions.BadOptionException(base.path().getFileName() + " and " + tuned.path().getFileName()
                    + " have no matrices in common (same names and shapes) to compare");
        }
        int total = pairing.pairs().size();
        int[] done = {0};
        IntruderTask task = new IntruderTask(base, tuned, pairing, new IntruderAnalyzer(backend), NameParser::parse, r -> {
            done[0]++;
            if (!options.quiet) {
                err.printf(Locale.ROOT, "rankscope: intruders [%d/%d] %s%n", done[0], total, r.name().id());
            }
        });
        task.run();
        task.rethrowFailure();
        return task.report();
    }

    private IntruderParameters intruderParameters() {
        try {
            return new IntruderParameters(k, epsilon);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--k/--epsilon: " + e.getMessage());
        }
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
