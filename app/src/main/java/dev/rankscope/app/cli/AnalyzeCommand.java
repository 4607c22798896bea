package dev.rankscope.app.cli;

import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.report.AnalysisCsv;
import dev.rankscope.analysis.report.WeightWatcherCsv;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.AnalysisTable;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
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
 * others are analysed and exported, and the exit code is 1 ({@link MatrixFailures}).
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

    @Option(names = "--ww-csv", paramLabel = "FILE", description = "Write WeightWatcher 0.7.5.5's details table "
            + "(its column names, order and units) as CSV.")
    Path wwCsv;

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
        Precision precision = CliOptions.precision(dtype);
        SvdBackend backend = options.backend();
        Pattern pattern = compile(filter);
        ConvMode convMode;
        try {
            convMode = ConvMode.parse(conv);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--conv " + e.getMessage().replace("conv mode ", ""));
        }

        AnalysisRun run = options.run(backend, precision);

        try (TensorSource source = Checkpoints.open(checkpoint)) {
            OutputFiles outputs = OutputFiles.protecting(source.files(), err, options.quiet, json, csv, wwCsv);
            MatrixListing listing = MatrixListing.of(source, perHead, convMode);
            if (!options.quiet && source.tensors().stream().anyMatch(t -> t.rank() == 4)) {
                err.println("rankscope: conv kernels: " + (convMode == ConvMode.POOLED
                        ? "pooled ESD of the kh·kw out×in slices" : "reshaped to (out, in·kh·kw)"));
            }
            if (!options.quiet && !listing.config().isEmpty()) {
                err.println("rankscope: model: " + listing.config().describe() + " (" + listing.config().source() + ")");
            }
            for (String note : listing.notes()) {
                if (!options.quiet || note.startsWith("per-head")) {
                    err.println("rankscope: note: " + note);
                }
            }
            AnalysisRun.Outcome outcome = run.run(source, listing.matrices(),
                    id -> pattern == null || pattern.matcher(id).find(), err);
            CheckpointAnalysis analysis = outcome.analysis();
            for (String line : AnalysisTable.lines(analysis)) {
                out.println(line);
            }
            if (!options.quiet) {
                err.printf("rankscope: %d matrices in %.2f s%n", analysis.matrices().size(), outcome.seconds());
            }
            if (json != null) {
                outputs.writeText(json, AnalysisJson.toJson(analysis));
            }
            if (csv != null) {
                AnalysisCsv.write(analysis, csv, outputs.writer());
                outputs.wrote(csv);
            }
            if (wwCsv != null) {
                WeightWatcherCsv.write(analysis, wwCsv, outputs.writer());
                outputs.wrote(wwCsv);
            }
            return outcome.exitCode();
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
}
