package dev.rankscope.app.cli;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.application.intruders.IntrudersJob;
import dev.rankscope.application.intruders.IntrudersParameters;
import dev.rankscope.application.intruders.IntrudersResult;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code rankscope intruders}: intruder dimensions of a fine-tune against its base (SPEC §3). The tuned side is a full checkpoint ({@code --tuned}) or a PEFT LoRA adapter folder
 * ({@code --adapter}, merged onto the base on the fly; by default only the matrices the adapter
 * changes are analysed, {@code --all-matrices} takes every pair). {@code --include REGEX} narrows
 * the matrices. Prints one row per matrix and per-layer and model totals on stdout; progress and
 * the per-pair memory estimate on stderr; optionally writes the JSON/CSV of {@code IntruderExport}
 * and, with {@code --mitigate FILE}, a merged checkpoint with intruder directions scaled by
 * {@code --lambda} ({@code MitigatedCheckpoint}). Bad input ends with one line on stderr and exit 2.
 * A pair that cannot be compared is listed as failed in the table and named once on stderr; the
 * others are compared and exported, and the exit code is 1 ({@link MatrixFailures}). The work is
 * {@link IntrudersJob}'s; this class parses and prints.
 */
@Command(name = "intruders", mixinStandardHelpOptions = true,
        description = {"Find intruder dimensions (Shuttleworth et al. 2024): top singular vectors of a fine-tuned",
            "matrix that match no singular vector of the base (max |cosine| < epsilon)."},
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {RankscopeCli.EXIT_0, RankscopeCli.EXIT_1, RankscopeCli.EXIT_2})
public final class IntrudersCommand implements Callable<Integer> {

    static final class TunedSide {
        @Option(names = "--tuned", paramLabel = "PATH", required = true,
                description = "Fine-tuned checkpoint (file or folder) with the same tensor names as the base.")
        Path checkpoint;

        @Option(names = "--adapter", paramLabel = "DIR", required = true,
                description = "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors).")
        Path adapter;
    }

    @Option(names = "--base", paramLabel = "PATH", required = true, description = "Base checkpoint (file or folder).")
    Path base;

    @ArgGroup(exclusive = true, multiplicity = "1")
    TunedSide tuned;

    @Option(names = "--k", paramLabel = "K", defaultValue = "10",
            description = "Top fine-tuned singular vectors examined, 1..100 (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--epsilon", paramLabel = "EPS", defaultValue = "0.5",
            description = "Cosine threshold in [0, 1] below which a vector is an intruder (default: ${DEFAULT-VALUE}).")
    double epsilon;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the rankscope-intruders JSON here.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write one CSV row per matrix here.")
    Path csv;

    @CommandLine.Mixin
    PairedMatrixOptions matrices = new PairedMatrixOptions();

    @Option(names = "--all-matrices",
            description = "With --adapter, also analyse matrices the adapter leaves unchanged (they have no intruders).")
    boolean allMatrices;

    @Option(names = "--mitigate", paramLabel = "FILE",
            description = {"Also write a merged safetensors checkpoint whose intruder directions (at k, epsilon) are",
                "scaled by --lambda (PEFT's mitigation, SPEC §3). Covers every paired matrix, not only --include."})
    Path mitigate;

    @Option(names = "--lambda", paramLabel = "L", defaultValue = "0.75",
            description = "Scale of intruder directions for --mitigate, ≥ 0 (default: ${DEFAULT-VALUE}).")
    double lambda;


    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final IntrudersJob.Environment environment;

    /** The production command (picocli instantiates it). */
    public IntrudersCommand() {
        this(IntrudersJob.Environment.defaults());
    }

    IntrudersCommand(IntrudersJob.Environment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        IntrudersParameters p = parameters();
        IntrudersResult result = CliJobs.run(new IntrudersJob(environment).task(p), err, false);
        MatrixFailures failures = MatrixFailures.ofIntruders(result.report());
        failures.print(err);
        printTable(result.report(), p.intruders(), out);
        for (Path file : result.written()) {
            err.println("rankscope: wrote " + file + (result.mitigated() != null && file.equals(mitigate)
                    ? " (" + result.mitigated().scaledRanks().size() + " matrices with intruder directions scaled by "
                      + lambda + ")" : ""));
        }
        return failures.exitCode();
    }

    private void printTable(IntruderReport report, IntruderParameters params, PrintWriter out) {
        int width = "matrix".length();
        for (IntruderMatrixResult r : report.matrices()) {
            width = Math.max(width, r.name().id().length());
        }
        String row = "%-" + width + "s  %-11s  %9s  %-14s  %8s  %9s  %9s  %9s%n";
        out.printf(Locale.ROOT, row, "matrix", "shape", "intruders", "ranks", "min c_j", "dW erank", "dW srank", "spec dist");
        for (IntruderMatrixResult r : report.matrices()) {
            IntruderMatrixResult.Intruders in = r.intruders(params);
            double minC = 1;
            for (double c : r.maxCosine(params.k())) {
                minC = Math.min(minC, c);
            }
            out.printf(Locale.ROOT, row, r.name().id(), r.shapeString(), in.count(), ranks(in.ranks()),
                    fmt(minC), fmt(r.deltaEffectiveRank()), fmt(r.deltaStableRank()), fmt(r.spectralDistance()));
        }
        out.println();
        out.println("layer  intruders");
        for (Map.Entry<Integer, Integer> e : report.perLayer(params).entrySet()) {
            out.printf(Locale.ROOT, "%-5s  %9d%n", e.getKey() < 0 ? "-" : e.getKey().toString(), e.getValue());
        }
        out.printf(Locale.ROOT, "total: %d intruders in %d matrices (k = %d, epsilon = %s)%n",
                report.total(params), report.matrices().size(), params.k(), String.valueOf(params.epsilon()));
        report.pairing().skippedLines().forEach(out::println);
        for (IntruderReport.MatrixFailure f : report.failures()) {
            out.println("failed: " + f.name() + ": " + f.message());
        }
        out.flush();
    }

    /** The options as the job's parameters; a bad value is a usage error (exit 2). */
    IntrudersParameters parameters() {
        try {
            return new IntrudersParameters(base, tuned.adapter != null ? tuned.adapter : tuned.checkpoint,
                    tuned.adapter != null, allMatrices, matrices.include,
                    new IntruderParameters(k, epsilon), CliOptions.engine(matrices.engine), json, csv, mitigate, lambda);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String ranks(int[] ranks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ranks.length; i++) {
            sb.append(i == 0 ? "" : ",").append(ranks[i]);
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    private static String fmt(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "inf";
    }
}
