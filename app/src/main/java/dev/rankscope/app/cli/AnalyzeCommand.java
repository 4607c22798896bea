package dev.rankscope.app.cli;

import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.application.analyze.AnalyzeParameters;
import dev.rankscope.application.analyze.AnalyzeResult;
import dev.rankscope.analysis.report.AnalysisTable;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.engine.spectrum.Precision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code rankscope analyze CHECKPOINT}: the spectrum and every SPEC §1–2 metric of each matrix,
 * printed as a table, optionally exported as JSON and CSV. Progress goes to stderr.
 *
 * <p>Matrices are listed by {@link MatrixListing} (SPEC §7): GPT-2 Conv1D weights read as
 * (out, in), fused QKV projections are followed by their q/k/v parts when {@code config.json}
 * (or GGUF metadata) gives the head counts, and {@code --per-head} adds per-head blocks. The
 * model facts used and anything that could not be split are reported on stderr.
 *
 * <p>A matrix that cannot be analysed (NaN/Inf weights, more memory than the process may use, …)
 * is named once on stderr with its reason and listed as failed in the table and the JSON; the
 * others are analysed and exported, and the exit code is 1 ({@link MatrixFailures}). The work is
 * {@link dev.rankscope.application.analyze.AnalyzeJob}'s; this class parses and prints.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true,
        description = "Compute the singular spectrum and rank metrics of every weight matrix.",
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {RankscopeCli.EXIT_0, RankscopeCli.EXIT_1, RankscopeCli.EXIT_2})
public final class AnalyzeCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint file, folder, or sharded index.")
    Path checkpoint;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the full analysis (all singular values) as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write one CSV row per matrix.")
    Path csv;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only matrices whose name contains a match.")
    String filter;

    @Option(names = "--per-head", description = "Also analyse each attention head: row blocks of q/k/v and "
            + "column blocks of o (needs head counts from config.json or GGUF metadata).")
    boolean perHead;

    @Option(names = "--conv", paramLabel = "MODE", defaultValue = "reshape",
            description = "Conv kernels (out, in, kh, kw): reshape to (out, in·kh·kw), or pooled: the ESD of the "
                    + "kh·kw out×in slices pooled (WeightWatcher style). Default: ${DEFAULT-VALUE}.")
    String conv;

    @picocli.CommandLine.Mixin
    AnalysisOptions options = new AnalysisOptions();

    @Option(names = "--dtype", paramLabel = "PRECISION", defaultValue = "f64",
            description = "Arithmetic precision: f64 or f32. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        AnalyzeResult result = CliJobs.run(options.job().task(parameters()), err, options.quiet,
                note -> note.startsWith("note: per-head"));
        CheckpointAnalysis analysis = result.analysis();
        MatrixFailures failures = MatrixFailures.of(analysis.matrices().size(), result.failures());
        failures.print(err);
        for (String line : AnalysisTable.lines(analysis)) {
            out.println(line);
        }
        if (!options.quiet) {
            err.printf("rankscope: %d matrices in %.2f s%n", analysis.matrices().size(), result.seconds());
            result.written().forEach(file -> err.println("rankscope: wrote " + file));
        }
        return failures.exitCode();
    }

    /** The options as the job's parameters; a bad value exits 2 naming the option. */
    AnalyzeParameters parameters() {
        Precision precision = CliOptions.precision(dtype);
        compile(filter);
        ConvMode convMode;
        try {
            convMode = ConvMode.parse(conv);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--conv " + e.getMessage().replace("conv mode ", ""));
        }
        return new AnalyzeParameters(checkpoint, filter, perHead, convMode, precision, options.preference(),
                options.threads(), !options.noCache, json, csv);
    }

    private static void compile(String regex) {
        if (regex == null) {
            return;
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CliOptions.BadOptionException("--filter is not a valid regular expression: " + e.getDescription());
        }
    }
}
