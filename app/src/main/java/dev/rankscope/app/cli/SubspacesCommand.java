package dev.rankscope.app.cli;

import dev.rankscope.application.subspaces.SubspacesJob;
import dev.rankscope.application.subspaces.SubspacesJson;
import dev.rankscope.application.subspaces.SubspacesParameters;
import dev.rankscope.application.subspaces.SubspacesResult;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rankscope subspaces CHECKPOINT --module k_proj …}: principal angles and overlaps between
 * the singular subspaces of the selected matrices, joint decompositions of groups and what a
 * shared basis would save (SPEC §11). Parses options into {@link SubspacesParameters}, runs
 * {@link SubspacesJob}, prints and writes its result.
 */
@Command(name = "subspaces", mixinStandardHelpOptions = true,
        description = "Compare singular subspaces across layers, experts or K/V, and what a shared basis would save.",
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {"0:the comparison was written", RankscopeCli.EXIT_2})
public final class SubspacesCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint file, folder, or sharded index.")
    Path checkpoint;

    @Option(names = "--module", paramLabel = "MODULE",
            description = "Which matrices: a module type (q, k, v, o, gate, up, down, …) or a regular expression found in "
                    + "the name (e.g. k_proj). Not needed with --groups kv.")
    String module;

    @Option(names = "--k", paramLabel = "K", description = "Subspace dimension of every pair (default: by --energy).")
    Integer k;

    @Option(names = "--energy", paramLabel = "TAU", defaultValue = "0.9",
            description = "Energy threshold choosing k per pair as max(r_a(τ), r_b(τ)). Default: ${DEFAULT-VALUE}.")
    double energy;

    @Option(names = "--side", paramLabel = "SIDE", defaultValue = "both",
            description = "left (column spaces), right (row spaces) or both. Default: ${DEFAULT-VALUE}.")
    String side;

    @Option(names = "--groups", paramLabel = "GROUPS", defaultValue = "none",
            description = "Joint decompositions of adjacent:N layers, the experts of each layer, or kv (K with V of each "
                    + "layer), or none. Default: ${DEFAULT-VALUE}.")
    String groups;

    @Option(names = "--target-error", paramLabel = "EPS", defaultValue = "0.1",
            description = "Relative Frobenius error at which a shared basis and separate factors are compared. "
                    + "Default: ${DEFAULT-VALUE}.")
    double targetError;

    @Option(names = "--max-group", paramLabel = "N", defaultValue = "4",
            description = "Largest group the adjacent-layer suggestion may form. Default: ${DEFAULT-VALUE}.")
    int maxGroup;

    @Option(names = "--engine", paramLabel = "ENGINE", defaultValue = "auto",
            description = "SVD engine: auto, native or java. Default: ${DEFAULT-VALUE}.")
    String engine;

    @Option(names = "--json", paramLabel = "FILE", description = "Write every pair and group as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write one CSV row per compared pair.")
    Path csv;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing on stderr but errors.")
    boolean quiet;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SubspacesParameters parameters;
        try {
            parameters = new SubspacesParameters(checkpoint, module, k, energy, SubspacesParameters.Sides.parse(side),
                    SubspacesParameters.Grouping.parse(groups), targetError, maxGroup, CliOptions.engine(engine));
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
        List<Path> inputs = new java.util.ArrayList<>();
        try (TensorSource source = Checkpoints.open(checkpoint)) {
            inputs.addAll(source.files());
        }
        inputs.add(checkpoint);
        dev.rankscope.engine.io.AtomicFileWriter outputs = dev.rankscope.engine.io.ProtectedInputs.checked(inputs, json, csv);
        JobTask<SubspacesResult> task = new SubspacesJob().task(parameters);
        if (!quiet) {
            task.addNoteListener(n -> err.println("rankscope: " + n));
        }
        SubspacesResult result;
        try {
            result = task.runHere();
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(checkpoint.getFileName() + ": " + e.getMessage());
        }
        print(result, out);
        if (json != null) {
            outputs.writeBytes(json, SubspacesJson.toJson(result).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            wrote(json, err, quiet);
        }
        if (csv != null) {
            outputs.writeBytes(csv, SubspacesJson.pairsCsv(result).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            wrote(csv, err, quiet);
        }
        return 0;
    }

    private static void wrote(Path file, PrintWriter err, boolean quiet) {
        if (!quiet) {
            err.println("rankscope: wrote " + file);
        }
    }

    private static void print(SubspacesResult r, PrintWriter out) {
        out.printf(Locale.ROOT, "%-44s %-44s %-5s %5s %8s %8s %8s%n", "a", "b", "side", "k", "overlap", "cos max", "cos min");
        for (SubspacesResult.Pair p : r.pairs()) {
            double[] c = p.cosines();
            out.printf(Locale.ROOT, "%-44s %-44s %-5s %5d %8.4f %8.4f %8.4f%n", p.a(), p.b(), p.side().label(), p.k(),
                    p.overlap(), c[0], c[c.length - 1]);
        }
        if (!r.groups().isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "%-8s %-60s %6s %12s %12s %12s %10s%n", "group", "members", "rank",
                    "shared", "separate", "dense", "saved");
            for (SubspacesResult.Group g : r.groups()) {
                var j = g.joint();
                out.printf(Locale.ROOT, "%-8s %-60s %6d %12d %12d %12d %9.1f%%%n", g.kind(), abbreviate(j.ids()),
                        j.sharedRank(), j.sharedParams(), j.separateParams(), j.denseParams(),
                        100.0 * j.savedParams() / Math.max(1, j.separateParams()));
            }
            out.printf(Locale.ROOT, "(parameters at relative error %.3g; shared = one basis for the stacked group, "
                    + "separate = per-matrix factors at the same total error)%n", r.parameters().targetError());
        }
        if (r.suggestion() != null) {
            out.println();
            out.printf(Locale.ROOT, "suggested grouping (greedy, at most %d layers): %d groups, %d parameters vs %d alone%n",
                    r.parameters().maxGroupSize(), r.suggestion().groups().size(), r.suggestion().params(),
                    r.suggestion().aloneParams());
            for (List<String> g : r.suggestion().groups()) {
                out.println("  " + abbreviate(g));
            }
        }
    }

    private static String abbreviate(List<String> ids) {
        String s = String.join(", ", ids);
        return s.length() <= 60 ? s : ids.get(0) + " … " + ids.get(ids.size() - 1) + " (" + ids.size() + ")";
    }
}
