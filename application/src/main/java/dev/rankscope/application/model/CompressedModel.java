package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.plan.FactorisedExport;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.analysis.plan.FusedPartFactors;
import dev.rankscope.analysis.plan.PlanFileException;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.analysis.plan.PlanSources;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.io.gguf.HuggingFaceView;
import dev.rankscope.engine.io.onnx.OnnxSource;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.LinearModule;
import dev.rankscope.runtime.LinearReplacement;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;
import dev.rankscope.runtime.WeightOverride;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A compressed model for the forward pass (issue "Model in the loop" §3), built exactly as the
 * plan's exports build it: the plan is written as a factorised safetensors file by
 * {@link FactorisedExport} (weight-only {@code U_kΣ_kV_kᵀ}, or data-aware {@code (W·S)_k·S⁻¹}
 * with the S the plan recorded; dense matrices untouched) into a temporary file, and every
 * module with {@code <module>.U.weight}/{@code <module>.V.weight} factors runs as {@code U·V}
 * (two matmuls). A user's own factorised file is used the same way. Parts of fused matrices
 * (GPT-2 {@code c_attn#q}/{@code #k}/{@code #v}) are written by the export as their parts (SPEC §5,
 * {@link FusedPartFactors}); the fused weight is reassembled from them and run dense (its output
 * is split into q|k|v after the one matmul). A plan that factorises nothing (keep 1.0) is the
 * original model.
 *
 * <p>Factors are held in float32 for the run (they are what the compression keeps, smaller than
 * the original weights). Refuses a plan or factorised file made for another checkpoint.
 */
public final class CompressedModel {
    private final Map<String, LinearReplacement> replacements;
    private final Map<String, float[]> tables;

    private CompressedModel(Map<String, LinearReplacement> replacements) {
        this(replacements, Map.of());
    }

    private CompressedModel(Map<String, LinearReplacement> replacements, Map<String, float[]> tables) {
        this.replacements = Map.copyOf(replacements);
        this.tables = Map.copyOf(tables);
    }

    /** The overrides for the runtime: linear modules and embedding tables. */
    public WeightOverride override() {
        return WeightOverride.of(replacements, tables);
    }

    /** Linear modules that run replaced (as factors, or with quantized weights). */
    public int factorisedModules() {
        return replacements.size();
    }

    /** Embedding tables (full tensor names) that run with quantized values, sorted; none for plans. */
    public List<String> embeddingTables() {
        return tables.keySet().stream().sorted().toList();
    }

    /**
     * Builds the compressed model of {@code plan} for {@code folder}.
     *
     * @param statistics the statistics file a data-aware plan was made with (checked by SHA-256);
     *                   ignored for weights-only plans
     * @param progress   called before each matrix is factorised (it may throw to cancel)
     * @throws ModelInputException when the plan was made for another checkpoint, a data-aware plan
     *                             comes without its statistics, or the export fails its verification
     */
    public static CompressedModel fromPlan(Plan plan, Path planFile, ModelFolder folder, Path statistics,
                                           SvdBackend backend, SafetensorsWriter.Progress progress) {
        requireSameCheckpoint(plan, planFile, folder);
        return new CompressedModel(plan.factorised().isEmpty() ? Map.of()
                : exported(plan, planFile, folder, statistics, backend, progress));
    }

    /** The factors of the plan's matrices and parts, through the plan's factorised export (a temporary file). */
    private static Map<String, LinearReplacement> exported(Plan plan, Path planFile, ModelFolder folder, Path statistics,
                                                           SvdBackend backend, SafetensorsWriter.Progress progress) {
        Path tmp;
        try {
            tmp = Files.createTempFile("rankscope-evaluate-", ".safetensors");
            Files.delete(tmp);
        } catch (IOException e) {
            throw new ModelInputException("cannot create a temporary file for the compressed model (" + e.getMessage() + ")");
        }
        try {
            FactorisedExportResult r = export(plan, planFile, folder, statistics, backend, progress, tmp);
            if (!r.verified()) {
                throw new ModelInputException(planFile + ": " + VerificationFailure.describe(r, plan, statistics));
            }
            return factors(tmp, folder);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file lives in the system temp folder; nothing more to do
            }
        }
    }

    /** The plan's factorised export (weight-only, or data-aware with the S the plan recorded) into {@code tmp}. */
    private static FactorisedExportResult export(Plan plan, Path planFile, ModelFolder folder, Path statistics,
                                                 SvdBackend backend, SafetensorsWriter.Progress progress, Path tmp) {
        try {
            if (!plan.isDataAware()) {
                return FactorisedExport.export(plan, folder.weights(), tmp, backend::svd,
                        FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), progress);
            }
            if (statistics == null) {
                throw new ModelInputException(planFile + ": the plan is data-aware (" + plan.dataAware().method()
                        + "); pass the statistics it was made with, --stats " + plan.dataAware().statisticsPath());
            }
            DataAwareTransforms.checkSameStatistics(plan.dataAware(), statistics);
            try (TensorSource stats = Checkpoints.open(statistics)) {
                return FactorisedExport.export(plan, folder.weights(), tmp, backend::svd,
                        FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), progress,
                        DataAwareTransforms.rebuild(plan.dataAware(), stats,
                                id -> plan.matrix(id).orElseThrow().moduleName(),
                                id -> plan.matrix(id).orElseThrow().cols()));
            }
        } catch (PlanFileException e) {
            throw new ModelInputException(planFile + ": " + e.getMessage());
        }
    }

    /**
     * The compressed model of a factorised safetensors file (SPEC §5): every linear module with
     * {@code .U.weight}/{@code .V.weight} factors runs as U·V; others keep the checkpoint's weight.
     *
     * @param checkPlan whether to refuse a file whose embedded plan names another checkpoint
     */
    public static CompressedModel fromFactorised(Path file, ModelFolder folder, boolean checkPlan) {
        if (checkPlan) {
            try (TensorSource f = Checkpoints.open(file)) {
                String embedded = f.metadata().get(FactorisedExport.PLAN_METADATA_KEY);
                if (embedded != null) {
                    requireSameCheckpoint(PlanJson.fromJson(embedded, file), file, folder);
                }
            }
        }
        Map<String, LinearReplacement> reps = factors(file, folder);
        if (reps.isEmpty()) {
            throw new ModelInputException(file + ": has no U/V factors of any linear module of "
                    + folder.path().getFileName());
        }
        return new CompressedModel(reps);
    }

    /**
     * U·V replacements for every linear module with factors in {@code file}, and dense ones for
     * fused modules written as parts (reassembled by {@link FusedPartFactors#assemble}); none: empty.
     */
    private static Map<String, LinearReplacement> factors(Path file, ModelFolder folder) {
        Map<String, LinearReplacement> reps = new HashMap<>();
        try (TensorSource f = Checkpoints.open(file)) {
            Map<String, FusedPartFactors.Layout> layouts = FusedPartFactors.layouts(f);
            for (LinearModule m : ModelRuntime.of(folder).linearModules()) {
                FusedPartFactors.Layout layout = layouts.get(m.weightName());
                if (layout != null) {
                    if (layout.rows() != m.storedRows() || layout.cols() != m.storedCols()) {
                        throw new ModelInputException(file + ": parts of " + m.name() + " make a " + layout.rows() + "×"
                                + layout.cols() + " weight, not its " + m.storedRows() + "×" + m.storedCols() + " one");
                    }
                    reps.put(m.name(), new LinearReplacement.Dense(m.storedRows(), m.storedCols(),
                            FusedPartFactors.assemble(f, m.weightName(), layout)));
                    continue;
                }
                Optional<TensorInfo> u = f.find(FactorisedExport.factorName(m.weightName(), 'U'));
                Optional<TensorInfo> v = f.find(FactorisedExport.factorName(m.weightName(), 'V'));
                if (u.isEmpty() || v.isEmpty()) {
                    continue;
                }
                TensorInfo ui = u.get();
                TensorInfo vi = v.get();
                if (ui.rank() != 2 || vi.rank() != 2 || ui.dim(0) != m.storedRows() || vi.dim(1) != m.storedCols()
                        || ui.dim(1) != vi.dim(0)) {
                    throw new ModelInputException(file + ": factors of " + m.name() + " are " + ui.shapeString() + " and "
                            + vi.shapeString() + ", which do not make its " + m.storedRows() + "×" + m.storedCols() + " weight");
                }
                reps.put(m.name(), new LinearReplacement.LowRank(m.storedRows(), m.storedCols(), (int) ui.dim(1),
                        f.readFloat(ui.name()), f.readFloat(vi.name())));
            }
        }
        return reps;
    }

    /**
     * The quantized model of issue 16 for the forward pass, as the quantized file holds it: every
     * linear module and every embedding table ({@link ModelRuntime#embeddingTables()}: token,
     * positions, token types) whose weight (same name, same stored shape) is in {@code quantized}
     * runs with that dequantized weight Ŵ, plus the compensation's update when {@code adapter} has the
     * module: PEFT's {@code delta} ({@code s·B·A}, for an embedding LoRA {@code s·(B·A)ᵀ}, scaling
     * included), added to Ŵ in float64 — the adapter merged into the quantized base. A table tied to
     * the LM head is replaced in the head too (as in a merged model). A GGUF file is read under
     * Hugging Face names ({@link HuggingFaceView}). Weights are held in float32 for the run.
     *
     * @param adapter a PEFT adapter folder, or null for the quantized model alone
     * @throws ModelInputException when the quantized file has no weight of the model, a weight of
     *                             another shape, or the adapter a module the quantized model lacks
     */
    public static CompressedModel fromQuantized(Path quantized, Path adapter, ModelFolder folder) {
        return fromQuantized(quantized, adapter, folder, module -> true);
    }

    /**
     * {@link #fromQuantized(Path, Path, ModelFolder)} replacing only the modules and tables (by module
     * name, the tensor name without {@code .weight}) that {@code modules} accepts (a compensate run
     * restricted by {@code --include}); the adapter's other modules are ignored.
     */
    public static CompressedModel fromQuantized(Path quantized, Path adapter, ModelFolder folder,
                                                java.util.function.Predicate<String> modules) {
        return fromQuantized(quantized, adapter, folder, modules, Integer.MAX_VALUE);
    }

    /**
     * {@link #fromQuantized(Path, Path, ModelFolder, java.util.function.Predicate)} with each module's
     * update cut to its first {@code maxRank} LoRA components ({@link PeftAdapter#delta(PeftAdapter.LoraModule, int)}):
     * the rank-k compensation of a Rankscope adapter, for the quality-vs-rank curve.
     */
    public static CompressedModel fromQuantized(Path quantized, Path adapter, ModelFolder folder,
                                                java.util.function.Predicate<String> modules, int maxRank) {
        Map<String, LinearReplacement> reps = new HashMap<>();
        Map<String, float[]> tables = new HashMap<>();
        ModelRuntime runtime = ModelRuntime.of(folder);
        try (TensorSource q = HuggingFaceView.pairedWith(Checkpoints.open(quantized), folder.weights());
             PeftAdapter lora = adapter == null ? null : PeftAdapter.open(adapter)) {
            OnnxSource.requireKnownQuantization(q);
            QuantizedWeights weights = new QuantizedWeights(quantized, q, lora, maxRank, folder);
            for (LinearModule m : runtime.linearModules()) {
                if (modules.test(m.name())) {
                    weights.replaced(m.name(), m.weightName(), m.storedRows(), m.storedCols())
                            .ifPresent(v -> reps.put(m.name(), new LinearReplacement.Dense(m.storedRows(), m.storedCols(), v)));
                }
            }
            for (String table : runtime.embeddingTables()) {
                String module = moduleOf(table);
                TensorInfo base = folder.weights().require(table);
                if (modules.test(module) && base.rank() == 2) {
                    weights.replaced(module, table, (int) base.dim(0), (int) base.dim(1))
                            .ifPresent(v -> tables.put(table, v));
                }
            }
            if (lora != null) {
                for (PeftAdapter.LoraModule lm : lora.modules().values()) {
                    String module = lm.module();
                    if (modules.test(module) && !reps.containsKey(module) && !tables.containsKey(lm.weightName())) {
                        throw new ModelInputException(adapter + ": the adapter has " + module + ", which is not a "
                                + "quantized " + (lm.embedding() ? "embedding table" : "linear module") + " of "
                                + folder.path().getFileName() + " in " + quantized.getFileName());
                    }
                }
            }
        }
        if (reps.isEmpty() && tables.isEmpty()) {
            throw new ModelInputException(quantized + ": has no weight of any linear module or embedding table of "
                    + folder.path().getFileName() + " (a quantized form of another model?)");
        }
        return new CompressedModel(reps, tables);
    }

    /** The module name of a weight tensor: its name without {@code .weight}. */
    private static String moduleOf(String tensor) {
        return tensor.endsWith(".weight") ? tensor.substring(0, tensor.length() - ".weight".length()) : tensor;
    }

    /**
     * The one replacement rule of {@link #fromQuantized}, for linear modules and embedding tables
     * alike: Ŵ from the quantized file, plus the adapter's delta of the module when it has one.
     */
    private record QuantizedWeights(Path file, TensorSource quantized, PeftAdapter lora, int maxRank, ModelFolder folder) {

        /** float32(Ŵ + ΔW) in the stored layout, or empty when the quantized file lacks {@code tensor}. */
        Optional<float[]> replaced(String module, String tensor, int rows, int cols) {
            Optional<TensorInfo> t = quantized.find(tensor);
            if (t.isEmpty()) {
                return Optional.empty();
            }
            TensorInfo ti = t.get();
            if (ti.rank() != 2 || ti.dim(0) != rows || ti.dim(1) != cols) {
                throw new ModelInputException(file + ": " + ti.name() + " is " + ti.shapeString() + " but " + module
                        + " of " + folder.path().getFileName() + " stores " + rows + "×" + cols
                        + " (a quantized form of another model?)");
            }
            double[] w = quantized.readDouble(ti.name());
            Optional<PeftAdapter.LoraModule> lm = lora == null ? Optional.empty() : lora.module(module);
            if (lm.isPresent()) {
                double[] d = lora.delta(lm.get(), maxRank).data();
                if (d.length != w.length) {
                    throw new ModelInputException(lora.path() + ": the update of " + module + " is "
                            + lm.get().shapeString() + ", not its " + rows + "×" + cols + " weight");
                }
                for (int i = 0; i < w.length; i++) {
                    w[i] += d[i];
                }
            }
            float[] v = new float[w.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) w[i];
            }
            return Optional.of(v);
        }
    }

    /** Refuses a plan made for another checkpoint (header SHA-256 and tensor count, SPEC §5). */
    static void requireSameCheckpoint(Plan plan, Path planFile, ModelFolder folder) {
        if (!PlanSources.matches(plan, folder.weights())) {
            throw new ModelInputException(planFile + ": the plan was made for another checkpoint (" + plan.source().path()
                    + ", header sha256 " + abbreviate(plan.source().headerSha256()) + "), not "
                    + folder.path().getFileName() + " (header sha256 "
                    + abbreviate(PlanSources.headerSha256(folder.weights())) + ")");
        }
    }

    private static String abbreviate(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }

    /** The factors replacing {@code module}, if it is compressed. */
    public Optional<LinearReplacement> replacement(String module) {
        return Optional.ofNullable(replacements.get(module));
    }

    /** Module names that run as factors, sorted. */
    public List<String> modules() {
        return replacements.keySet().stream().sorted().toList();
    }
}
