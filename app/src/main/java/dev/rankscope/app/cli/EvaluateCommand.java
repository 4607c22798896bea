package dev.rankscope.app.cli;

import dev.rankscope.application.job.JobJson;
import dev.rankscope.application.model.EvaluateJob;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.model.EvaluateResult;
import dev.rankscope.application.model.SweepJob;
import dev.rankscope.application.model.SweepParameters;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rankscope evaluate MODEL --text FILE [--plan PLAN.json | --factorized FILE | --quantized FILE
 * [--adapter DIR]] …}: runs
 * {@link EvaluateJob} (or, with {@code --sweep}, {@link SweepJob}) and prints the figures
 * (issue "Model in the loop" §3).
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Perplexity (causal LMs) or embeddings (encoders) of a model on a text, and of the model "
                + "compressed by a plan or a factorised file, or quantized (+ its compensation adapter), next to it"
                + " (KL, top-1 agreement, cosine).",
                "--sweep evaluates every --strategies × --keep plan and writes the quality-vs-size table."},
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {"0:evaluated; the outputs were written",
                "2:bad input (one line on stderr naming the file and the problem); nothing was written"})
public final class EvaluateCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    ModelTextOptions input = new ModelTextOptions();

    @Option(names = "--plan", paramLabel = "PLAN.json", description = "Evaluate the model compressed by this plan.")
    Path plan;

    @Option(names = {"--factorized", "--factorised"}, paramLabel = "FILE",
            description = "Evaluate the model compressed by this factorised safetensors (U·V).")
    Path factorized;

    @Option(names = "--quantized", paramLabel = "FILE",
            description = {"Evaluate the model with the weights of its quantized form (int8 ONNX, GGUF, or the",
                "quantized-base/model.safetensors of rankscope compensate) in its linear modules and embedding tables."})
    Path quantized;

    @Option(names = "--adapter", paramLabel = "DIR",
            description = "With --quantized: add this compensation adapter's update, B·A or (B·A)ᵀ for an embedding LoRA"
                    + " (rankscope compensate --out).")
    Path adapter;

    @Option(names = "--stats", paramLabel = "STATS",
            description = "Calibration statistics: needed by data-aware plans; adds the activation-space error.")
    Path stats;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + EvaluateParameters.DEFAULT_MAX_TOKENS,
            description = "Score at most N tokens. Default: ${DEFAULT-VALUE}.")
    long maxTokens;

    @Option(names = "--json", paramLabel = "OUT", description = "Write the result as JSON.")
    Path json;

    @Option(names = "--dump-outputs", paramLabel = "OUT.safetensors",
            description = "Write the original model's outputs (input_ids.i, logits.0 / last_hidden_state.i, pooled).")
    Path dumpOutputs;

    @Option(names = "--sweep", description = "Quality vs size: evaluate every --strategies × --keep plan.")
    boolean sweep;

    @Option(names = "--strategies", paramLabel = "S1,S2", split = ",",
            description = "With --sweep: strategies; NAME@svd-llm (or @asvd, @fisher) plans on σ(W·S) with --stats.")
    List<String> strategies;

    @Option(names = "--keep", paramLabel = "F1,F2", split = ",",
            description = "With --sweep: kept fractions of the eligible parameters, e.g. 0.9,0.8,0.6.")
    List<Double> keeps;

    @Option(names = "--csv", paramLabel = "OUT", description = "With --sweep: write the table as CSV.")
    Path csv;

    @Option(names = "--fused-parts", description = {"With --sweep: plan the q/k/v parts of fused projections (GPT-2 "
            + "c_attn, qkv_proj) each on its own, as plan --fused-parts does."})
    boolean fusedParts;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<Path> inputs = new ArrayList<>(List.of(input.model, input.text));
        for (Path p : new Path[] {plan, factorized, stats, quantized, adapter}) {
            if (p != null) {
                inputs.add(p);
            }
        }
        AtomicFileWriter outputs = ProtectedInputs.checked(inputs, json, dumpOutputs, csv);
        if (sweep) {
            return sweep(out, err, outputs);
        }
        if (strategies != null || keeps != null || csv != null || fusedParts) {
            throw new CliOptions.BadOptionException("--strategies, --keep, --csv and --fused-parts belong to --sweep; "
                    + "evaluate a --fused-parts plan with --plan");
        }
        EvaluateParameters p;
        try {
            p = new EvaluateParameters(input.model, input.text, plan, factorized, stats, input.seqLen, maxTokens,
                    dumpOutputs, quantized, adapter);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
        EvaluateResult r = CliJobs.run(new EvaluateJob().task(p), err, input.quiet);
        for (String line : lines(r)) {
            out.println(line);
        }
        if (dumpOutputs != null) {
            wrote(err, dumpOutputs);
        }
        writeText(outputs, err, json, JobJson.write(r));
        return 0;
    }

    private int sweep(PrintWriter out, PrintWriter err, AtomicFileWriter outputs) {
        if (plan != null || factorized != null || dumpOutputs != null || quantized != null || adapter != null) {
            throw new CliOptions.BadOptionException("--sweep makes its own plans; drop --plan, --factorized, --quantized,"
                    + " --adapter and --dump-outputs");
        }
        if (strategies == null || keeps == null) {
            throw new CliOptions.BadOptionException("--sweep needs --strategies S1,S2,… and --keep F1,F2,…");
        }
        SweepParameters p;
        try {
            p = new SweepParameters(input.model, input.text, stats, strategies, keeps, input.seqLen, maxTokens,
                    fusedParts);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
        SweepResult r = CliJobs.run(new SweepJob().task(p), err, input.quiet);
        if (fusedParts && !r.fusedParts()) {
            err.println("rankscope: note: " + input.model.getFileName() + " lists no fused q/k/v projection to split; "
                    + "whole matrices are planned");
        }
        for (String line : sweepLines(r)) {
            out.println(line);
        }
        writeText(outputs, err, json, JobJson.write(r));
        writeText(outputs, err, csv, r.toCsv());
        return 0;
    }

    private void writeText(AtomicFileWriter files, PrintWriter err, Path target, String text) {
        if (target != null) {
            files.writeBytes(target, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            wrote(err, target);
        }
    }

    private void wrote(PrintWriter err, Path target) {
        if (!input.quiet) {
            err.println("rankscope: wrote " + target);
        }
    }

    /** The human-readable figures. */
    static List<String> lines(EvaluateResult r) {
        List<String> lines = new ArrayList<>();
        if (r.original() != null) {
            lines.add(String.format(Locale.ROOT, "original:   perplexity %.4f  mean NLL %.6f  (%d tokens scored, %d windows of %d)",
                    r.original().perplexity(), r.original().meanNll(), r.original().tokensScored(), r.windows(), r.seqLen()));
        } else {
            lines.add(String.format(Locale.ROOT, "encoder: %d sentences, %d tokens", r.windows(), r.tokens()));
        }
        if (r.compressed() != null) {
            lines.add(String.format(Locale.ROOT, "compressed: perplexity %.4f  mean NLL %.6f  mean KL %.6f  top-1 agreement %.4f",
                    r.compressed().perplexity(), r.compressed().meanNll(), r.meanKl(), r.top1Agreement()));
        }
        if (r.cosine() != null) {
            lines.add(String.format(Locale.ROOT, "compressed: cosine to the original embeddings mean %.6f  min %.6f  5th percentile %.6f",
                    r.cosine().mean(), r.cosine().min(), r.cosine().percentile5()));
        }
        if (r.activationError() != null) {
            lines.add(String.format(Locale.ROOT, "activation-space relative error %.6f over %d compressed modules",
                    r.activationError().total(), r.activationError().modules().size()));
        }
        return lines;
    }

    static List<String> sweepLines(SweepResult r) {
        List<String> lines = new ArrayList<>();
        if (r.fusedParts()) {
            lines.add(r.partsNote());
        }
        boolean causal = "causal-lm".equals(r.kind());
        lines.add(String.format(Locale.ROOT, "%-28s %6s %8s %12s %12s %10s %8s %10s", "strategy", "keep", "kept",
                causal ? "perplexity" : "cosine", "mean_kl", "top1", "plan_err", "act_err"));
        List<SweepResult.Point> all = new ArrayList<>();
        all.add(r.original());
        all.addAll(r.points());
        for (SweepResult.Point p : all) {
            lines.add(String.format(Locale.ROOT, "%-28s %6.3f %8.4f %12.4f %12.6f %10.4f %8.4f %10.4f", p.strategy(), p.keep(),
                    p.keptFraction(), causal ? p.perplexity() : p.cosineMean(), p.meanKl(), p.top1Agreement(),
                    p.planRelError(), p.activationRelError()));
        }
        return lines;
    }
}
