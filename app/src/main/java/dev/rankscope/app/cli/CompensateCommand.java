package dev.rankscope.app.cli;

import dev.rankscope.application.compensate.CompensateJob;
import dev.rankscope.application.compensate.CompensateParameters;
import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.application.compensate.EmbeddingEvaluation;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rankscope compensate} (issue 16, SPEC §9): how much quantization loses per matrix and the
 * LoRA that gives it back. Parses its options into {@link CompensateParameters}, runs
 * {@link CompensateJob} here, prints the per-matrix table, the pairing and the totals on stdout,
 * progress and notes on stderr, and writes the result JSON with {@code --json}. Bad input is one
 * line on stderr and exit 2, before anything is written; a written adapter that fails its reload
 * check is not written and the exit code is 1.
 */
@Command(name = "compensate", mixinStandardHelpOptions = true,
        description = {"Quantize a model in-tool (or read its quantized file), measure the quantization error",
            "E = W − Ŵ of every matrix (spectrum, ‖E‖/‖W‖, ranks; in activation space with --stats) and export",
            "its low-rank compensation as a PEFT LoRA adapter (scaling 1 per module), verified on reload."},
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {"0:the adapter was written and verified (or every rank was 0)",
            "1:the written adapter did not reproduce the predicted residual (nothing was kept), or an internal error",
            "2:bad input or usage (one line on stderr naming the file, module or option); nothing written"})
public final class CompensateCommand implements Callable<Integer> {

    static final class QuantizedSide {
        @Option(names = "--quantize", paramLabel = "SCHEME", required = true,
                description = "Quantize in-tool: int8, int4, int4-g32|g64|g128, …-asym, nf4 (SPEC §9).")
        String scheme;

        @Option(names = "--quantized", paramLabel = "FILE", required = true,
                description = "The quantized model (int8 ONNX, GGUF, safetensors) to compare with the base.")
        Path file;
    }

    static final class Ranks {
        @Option(names = "--rank", paramLabel = "R", required = true, description = "The same rank R for every module.")
        Integer rank;

        @Option(names = "--keep-error", paramLabel = "E", required = true,
                description = {"The smallest rank per module that leaves ‖E − B·A‖ ≤ E·‖W‖ (with --method eora, in",
                    "activation space: ‖(E − B·A)·Xᵀ‖ ≤ E·‖W·Xᵀ‖)."})
        Double keepError;

        @Option(names = "--params", paramLabel = "N", required = true,
                description = {"Budget of added LoRA parameters Σk(m+n): 200000, 1.5M, bytes such as 4MB@f32, or a",
                    "fraction such as 0.01 of the compensated matrices' parameters; split by --strategy."})
        String budget;
    }

    @Option(names = "--base", paramLabel = "MODEL", required = true, description = "The float base model (file or folder).")
    Path base;

    @ArgGroup(exclusive = true, multiplicity = "1")
    QuantizedSide quantized;

    @Option(names = "--stats", paramLabel = "STATS",
            description = "Calibration statistics (safetensors with <module>.input_gram, n×n; rankscope calibrate).")
    Path stats;

    @Option(names = "--method", paramLabel = "METHOD", defaultValue = "svd",
            description = "svd (truncated SVD of E) or eora (EoRA, needs --stats). Default: ${DEFAULT-VALUE}.")
    String method;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Ranks ranks;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = CompensateParameters.DEFAULT_STRATEGY,
            description = "Allocation strategy for --params (SPEC §4). Default: ${DEFAULT-VALUE} (least Σ‖E−C‖²/‖W‖²).")
    String strategy;

    @Option(names = "--damping", paramLabel = "D", defaultValue = "1e-6",
            description = "Damping of XᵀX relative to its mean eigenvalue (EoRA). Default: ${DEFAULT-VALUE}.")
    double damping;

    @Option(names = "--out", paramLabel = "ADAPTER_DIR", required = true,
            description = "Adapter folder: adapter_config.json, adapter_model.safetensors (and quantized-base/ with --quantize).")
    Path out;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the result (per-matrix figures, pairing) as JSON.")
    Path json;

    @CommandLine.Mixin
    PairedMatrixOptions matrices = new PairedMatrixOptions();

    @Option(names = "--evaluate", paramLabel = "TEXTS",
            description = {"After writing, embed each non-empty line of TEXTS with the original, the quantized and the",
                "compensated model (encoders; --base must be a Hugging Face model folder or a file in one) and print",
                "the cosines to the original's embeddings."})
    Path evaluate;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CompensateParameters params = parameters();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> inputs = new ArrayList<>(List.of(base));
        if (quantized.file != null) {
            inputs.add(quantized.file);
        }
        if (stats != null) {
            inputs.add(stats);
        }
        if (evaluate != null) {
            inputs.add(evaluate);
        }
        AtomicFileWriter files = ProtectedInputs.checked(inputs, json);
        CompensateResult result = CliJobs.run(new CompensateJob().task(params), err, false);
        print(result, out);
        if (evaluate != null && !result.files().isEmpty()) {
            EmbeddingEvaluation e = EmbeddingEvaluation.ofLines(base, result, evaluate);
            out.printf(Locale.ROOT, "embedding cosine to the original (%d sentences, %d modules and %d embedding tables"
                    + " replaced): quantized mean %.6f (min %.6f), quantized + compensation mean %.6f (min %.6f)%n",
                    e.sentences(), e.modules(), e.tables(),
                    e.meanCosineQuantized(), e.minCosineQuantized(), e.meanCosineCompensated(), e.minCosineCompensated());
            out.flush();
        }
        if (json != null) {
            files.writeBytes(json, JobJson.write(result).getBytes(StandardCharsets.UTF_8));
            err.println("rankscope: wrote " + json);
        }
        result.files().forEach(f -> err.println("rankscope: wrote " + f));
        return result.verified() ? 0 : RankscopeCli.EXIT_FAILED_MATRICES;
    }

    private CompensateParameters parameters() {
        try {
            CompensateParameters.Selection sel = ranks.rank != null ? CompensateParameters.Selection.RANK
                    : ranks.keepError != null ? CompensateParameters.Selection.KEEP_ERROR : CompensateParameters.Selection.BUDGET;
            return new CompensateParameters(base.toString(), quantized.scheme,
                    quantized.file == null ? null : quantized.file.toString(), stats == null ? null : stats.toString(),
                    CompensateParameters.Method.parse(method), sel, ranks.rank == null ? 0 : ranks.rank,
                    ranks.keepError == null ? 0 : ranks.keepError, ranks.budget, strategy, damping, out.toString(), matrices.engine,
                    matrices.include);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static void print(CompensateResult r, PrintWriter out) {
        boolean act = r.matrices().stream().anyMatch(m -> !Double.isNaN(m.activationRelativeError()));
        int width = "matrix".length();
        for (CompensateResult.MatrixRow m : r.matrices()) {
            width = Math.max(width, m.id().length());
        }
        String head = "%-" + width + "s  %-11s  %9s  %8s  %6s" + (act ? "  %9s" : "%s") + "  %5s  %9s" + (act ? "  %9s" : "%s")
                + "  %9s%n";
        out.printf(Locale.ROOT, head, "matrix", "shape", "|E|/|W|", "erank E", "r90 E", act ? "act err" : "", "rank",
                "residual", act ? "act resid" : "", "params");
        for (CompensateResult.MatrixRow m : r.matrices()) {
            out.printf(Locale.ROOT, head, m.id(), m.shapeString(), pct(m.relativeError()), fmt(m.errorEffectiveRank()),
                    m.errorRankAt90(), act ? pct(m.activationRelativeError()) : "", m.compensated() ? m.rank() : "-",
                    m.compensated() ? pct(m.residual()) : "-", act ? (m.compensated() ? pct(m.activationResidual()) : "-") : "",
                    m.params());
        }
        out.println();
        out.printf(Locale.ROOT, "quantization: %s; ranks chosen in %s space; %d matrices paired, %d compensated%n",
                r.quantization(), r.space(), r.matrices().size(), r.matrices().stream().filter(m -> m.rank() > 0).count());
        r.matrices().stream().filter(m -> !m.note().isEmpty())
                .forEach(m -> out.println((m.compensated() ? "note: " : "not compensated: ") + m.id() + " (" + m.note() + ")"));
        r.skippedLines().forEach(out::println);
        out.printf(Locale.ROOT, "added LoRA parameters: %d (%s at float32); verified on reload: %s%n", r.addedParams(),
                mib(r.addedBytes()), r.verified() ? "yes" : "NO");
        out.flush();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f%%", 100 * v);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / 1048576.0);
    }
}
