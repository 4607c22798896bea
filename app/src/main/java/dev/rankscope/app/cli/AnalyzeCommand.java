package dev.rankscope.app.cli;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.CachedAnalysis;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
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
 *
 * <p>Matrices are listed by {@link MatrixListing} (SPEC §7): GPT-2 Conv1D weights read as
 * (out, in), fused QKV projections are followed by their q/k/v parts when {@code config.json}
 * (or GGUF metadata) gives the head counts, and {@code --per-head} adds per-head blocks. The
 * model facts used and anything that could not be split are reported on stderr.
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
            AtomicFileWriter writer = new AtomicFileWriter(source.files());
            if (json != null) {
                writer.checkAllowed(json);
            }
            if (csv != null) {
                writer.checkAllowed(csv);
            }
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
            for (String failure : analysis.failures()) {
                err.println("rankscope: " + failure);
            }
            if (!options.quiet) {
                err.printf("rankscope: %d matrices in %.2f s%n", analysis.matrices().size(), outcome.seconds());
            }
            if (json != null) {
                writer.writeBytes(json, AnalysisJson.toJson(analysis).getBytes(StandardCharsets.UTF_8));
                if (!options.quiet) {
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
                if (!options.quiet) {
                    err.println("rankscope: wrote " + csv);
                }
            }
            return outcome.selected() == 0 || !analysis.matrices().isEmpty() ? 0 : RankscopeCli.EXIT_BAD_INPUT;
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
