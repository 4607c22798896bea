package dev.rankscope.app.cli;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyDescription;
import dev.rankscope.analysis.allocation.StrategyParameter;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.application.plan.PlanParameters;
import dev.rankscope.application.plan.PlanResult;
import dev.rankscope.application.plan.StrategySettings;
import dev.rankscope.engine.tensor.DType;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code rankscope plan CHECKPOINT}: allocates one rank per matrix under a budget (SPEC §4) with
 * the spectra of the shared analysis pipeline ({@link PlanJob}: the listing, cache and exports of
 * every front end), prints the
 * per-matrix table and totals, and writes the SPEC §5 exports: plan JSON, CSV, PEFT
 * {@code adapter_config.json} and factorised safetensors (streamed, verified by re-reading).
 * {@code --compare s1,s2,…} prints the side-by-side comparison at the same budget instead.
 * Matrices that cannot be analysed are named once on stderr and left out of the plan; the run
 * then ends with exit code 1 ({@link MatrixFailures}), as it does when the factorised export
 * fails its verification.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Allocate layer-wise ranks under a parameter budget and export the plan.",
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {RankscopeCli.EXIT_0, PlanCommand.EXIT_1, RankscopeCli.EXIT_2})
public final class PlanCommand implements Callable<Integer> {

    /** Exit code 1 in the help: failed matrices (left out of the plan) or a failed factorised verification. */
    static final String EXIT_1 = RankscopeCli.EXIT_1 + "; or the --factorized file failed its verification";

    @Parameters(paramLabel = "CHECKPOINT", description = "A checkpoint file, folder, or sharded index.")
    Path checkpoint;

    @Option(names = "--strategy", paramLabel = "NAME", defaultValue = "global-optimal",
            description = "Allocation strategy: ${COMPLETION-CANDIDATES}. Default: ${DEFAULT-VALUE}.",
            completionCandidates = StrategyNames.class)
    String strategy;

    @Option(names = "--compare", paramLabel = "S1,S2,…", split = ",",
            description = "Compare up to four strategies at the budget and print the table.")
    List<String> compare;

    @Option(names = "--param", paramLabel = "NAME=VALUE",
            description = "A strategy parameter (repeatable), e.g. --param objective=raw; with --compare it applies "
                    + "to every compared strategy that has it. Parameters: see below.")
    List<String> params;

    static final class BudgetOptions {
        @Option(names = "--keep", paramLabel = "FRACTION", description = "Kept fraction of the eligible parameters, e.g. 0.5.")
        Double keep;
        @Option(names = "--params", paramLabel = "N", description = "Parameters the eligible matrices may keep.")
        Long params;
        @Option(names = "--bytes", paramLabel = "N", description = "Bytes the eligible matrices may keep (see --bytes-dtype).")
        Long bytes;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    BudgetOptions budgetOptions;

    @Option(names = "--bytes-dtype", paramLabel = "DTYPE", defaultValue = "bf16",
            description = "Storage type for byte budgets and sizes: f16, bf16 or f32. Default: ${DEFAULT-VALUE}.")
    String bytesDtype;

    @Option(names = "--modules", paramLabel = "REGEX", description = "Only modules whose name contains a match are eligible.")
    String modules;

    @Option(names = "--include", paramLabel = "TYPE", split = ",",
            description = "Also make these module types eligible: embed, lm_head.")
    List<String> include;

    @Option(names = "--min-rank", paramLabel = "N", defaultValue = "1", description = "Smallest factorised rank. Default: ${DEFAULT-VALUE}.")
    int minRank;

    @Option(names = "--max-rank", paramLabel = "N", defaultValue = "0", description = "Largest factorised rank (0 = none).")
    int maxRank;

    @Option(names = "--multiple", paramLabel = "N", defaultValue = "1", description = "Ranks are multiples of N.")
    int multiple;

    @Option(names = "--no-dense", description = "Never keep an eligible matrix dense (break-even still holds).")
    boolean noDense;

    @Option(names = "--stats", paramLabel = "FILE",
            description = "Calibration statistics (safetensors: <module>.input_gram, .input_absmean, .fisher_rows).")
    Path stats;

    @Option(names = "--stats-method", paramLabel = "METHOD", defaultValue = "svd-llm",
            description = "With --stats: svd-llm (whitening), asvd (scaling) or fisher. Default: ${DEFAULT-VALUE}.")
    String statsMethod;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the plan JSON (SPEC §5).")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write one CSV row per matrix.")
    Path csv;

    @Option(names = "--peft", paramLabel = "FILE", description = "Write a PEFT adapter_config.json with these ranks.")
    Path peft;

    @Option(names = {"--factorized", "--factorised"}, paramLabel = "FILE",
            description = "Write the factorised safetensors (U/V per compressed matrix) and verify it.")
    Path factorized;

    @Option(names = "--fused-parts",
            description = "Budget the q/k/v parts of fused projections (GPT-2 c_attn, qkv_proj) each with its own rank, "
                    + "in place of the fused matrix; the --factorized file writes them as parts (SPEC §5).")
    boolean fusedParts;

    @picocli.CommandLine.Mixin
    AnalysisOptions options = new AnalysisOptions();

    picocli.CommandLine.Model.CommandSpec spec;

    /** Picocli's model of this command; the help footer lists every strategy's parameters. */
    @picocli.CommandLine.Spec
    void spec(picocli.CommandLine.Model.CommandSpec commandSpec) {
        this.spec = commandSpec;
        commandSpec.usageMessage().footerHeading("%nStrategy parameters (--param NAME=VALUE):%n")
                .footer(parameterHelp(StrategyRegistry.standard()).toArray(String[]::new));
    }

    /** Strategy names for help and completion. */
    static final class StrategyNames extends ArrayList<String> {
        StrategyNames() {
            super(StrategyRegistry.standard().names());
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PlanResult result = CliJobs.run(new PlanJob(options.job()).task(parameters()), err, options.quiet,
                note -> note.startsWith("note: "));
        MatrixFailures failures = MatrixFailures.of(result.analysis().analysis().matrices().size(),
                result.analysis().failures());
        failures.print(err);
        if (result.comparison() != null) {
            for (String line : PlanTables.comparisonLines(result.comparison())) {
                out.println(line);
            }
            return failures.exitCode();
        }
        for (String line : PlanTables.planLines(result.plan())) {
            out.println(line);
        }
        if (!options.quiet) {
            result.written().forEach(file -> err.println("rankscope: wrote " + file));
        }
        FactorisedExportResult r = result.factorised();
        if (r != null) {
            double worst = r.factorChecks().stream().mapToDouble(FactorisedExportResult.FactorCheck::difference)
                    .max().orElse(0);
            out.printf(Locale.ROOT, "factorised: %s, %d tensors, %d factorised, %s (largest |measured - plan| %.2e)%n",
                    factorized, r.tensorCount(), r.factorChecks().size(),
                    r.verified() ? "verified" : "VERIFICATION FAILED", worst);
            if (!r.verified()) {
                err.println("rankscope: " + factorized.getFileName() + ": verification failed"
                        + (r.copyMismatches().isEmpty() ? "" : "; dense tensors changed: " + r.copyMismatches()));
                return MatrixFailures.worst(failures.exitCode(), 1);
            }
        }
        return failures.exitCode();
    }

    /** The options as the job's parameters; a bad value exits 2 naming the option. */
    PlanParameters parameters() {
        DType dtype = dtype(bytesDtype);
        try {
            return new PlanParameters(checkpoint, strategies(), compare != null, budget(dtype), scope(), constraints(),
                    stats, statsMethod(), options.preference(), options.threads(), !options.noCache, json, csv, peft,
                    factorized, fusedParts);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
    }

    private DataAwareParameters statsMethod() {
        return DataAwareParameters.of(switch (statsMethod.toLowerCase(Locale.ROOT)) {
            case "svd-llm", "whitening" -> DataAwareParameters.Method.SVD_LLM_WHITENING;
            case "asvd" -> DataAwareParameters.Method.ASVD_SCALING;
            case "fisher", "fwsvd" -> DataAwareParameters.Method.FISHER_WEIGHTING;
            default -> throw new CliOptions.BadOptionException("--stats-method must be svd-llm, asvd or fisher, not '"
                    + statsMethod + "'");
        });
    }

    private List<StrategyParameters> strategies() {
        List<String> names = compare != null ? compare : List.of(strategy);
        if (names.isEmpty() || names.size() > StrategyComparison.MAX_STRATEGIES) {
            throw new CliOptions.BadOptionException("--compare takes 1 to " + StrategyComparison.MAX_STRATEGIES
                    + " strategies, got " + names.size());
        }
        StrategyRegistry registry = StrategyRegistry.standard();
        List<StrategyParameters> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.add(registry.defaults(n.trim()));
            } catch (IllegalArgumentException e) {
                throw new CliOptions.BadOptionException(e.getMessage());
            }
        }
        return withParams(out, params == null ? List.of() : params);
    }

    /**
     * Applies {@code --param NAME=VALUE} settings ({@link StrategySettings}); a malformed setting, a
     * name no chosen strategy has, or a value its parameter rejects is a bad option.
     */
    static List<StrategyParameters> withParams(List<StrategyParameters> strategies, List<String> settings) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new CliOptions.BadOptionException("--param takes NAME=VALUE, not '" + s + "'");
            }
            values.put(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        try {
            return StrategySettings.apply(strategies, values);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--param " + e.getMessage());
        }
    }

    /**
     * Two help lines per strategy parameter: {@code welore  lrc_drop_share  number [0, 1) (default 0.5)}
     * and its one-sentence help, indented.
     */
    static List<String> parameterHelp(StrategyRegistry registry) {
        List<String> lines = new ArrayList<>();
        for (StrategyDescription d : registry.descriptions()) {
            for (StrategyParameter p : d.parameters()) {
                Object def = p.defaultValue();
                String shown = def instanceof Enum<?> e ? p.choices().stream().filter(c -> c.value() == e)
                        .map(StrategyParameter.Choice::word).findFirst().orElse(e.name()) : String.valueOf(def);
                lines.add(String.format(Locale.ROOT, "  %-15s %-17s %s (default %s)", d.name(), p.key(),
                        p.accepts(), shown).replace("%", "%%"));   // footers are format strings
                if (!p.help().isEmpty()) {
                    lines.add(("      " + p.help()).replace("%", "%%"));
                }
            }
        }
        return lines;
    }

    private Budget budget(DType dtype) {
        try {
            if (budgetOptions.keep != null) {
                return Budget.keptFraction(budgetOptions.keep).withDType(dtype);
            }
            if (budgetOptions.params != null) {
                return Budget.params(budgetOptions.params).withDType(dtype);
            }
            return Budget.bytes(budgetOptions.bytes, dtype);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("bad budget: " + e.getMessage());
        }
    }

    private Scope scope() {
        try {
            Scope s = Scope.defaults();
            if (include != null) {
                for (String t : include) {
                    s = s.including(switch (t.trim().toLowerCase(Locale.ROOT)) {
                        case "embed", "embeddings", "embed_tokens" -> dev.rankscope.analysis.naming.ModuleType.EMBED;
                        case "lm_head", "lm-head" -> dev.rankscope.analysis.naming.ModuleType.LM_HEAD;
                        default -> throw new CliOptions.BadOptionException("--include takes embed or lm_head, not '" + t + "'");
                    });
                }
            }
            return modules == null ? s : s.withNameRegex(modules);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--modules: " + e.getMessage());
        }
    }

    private Constraints constraints() {
        try {
            return new Constraints(minRank, maxRank <= 0 ? Integer.MAX_VALUE : maxRank, multiple, !noDense, Set.of());
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
    }

    private static DType dtype(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "f16", "float16", "fp16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            case "f32", "float32", "fp32" -> DType.F32;
            default -> throw new CliOptions.BadOptionException("--bytes-dtype must be f16, bf16 or f32, not '" + s + "'");
        };
    }
}
