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
    private final int factorised;

    private CompressedModel(Map<String, LinearReplacement> replacements) {
        this.replacements = Map.copyOf(replacements);
        this.factorised = replacements.size();
    }

    /** The overrides for the runtime. */
    public WeightOverride override() {
        return WeightOverride.of(replacements);
    }

    /** Modules that run replaced (as factors, or with quantized weights). */
    public int factorisedModules() {
        return factorised;
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
     * The quantized model of issue 16 for the forward pass: every linear module whose weight (same
     * name, same stored shape) is in {@code quantized} runs with that dequantized weight Ŵ, plus the
     * compensation's {@code B·A} (PEFT {@code delta}, scaling included) when {@code adapter} has the
     * module. Embedding tables keep their float weights (the runtime replaces linear modules only), so
     * an adapter's embedding LoRA is not applied. A GGUF file is read under Hugging Face names
     * ({@link HuggingFaceView}). Weights are held in float32 for the run.
     *
     * @param adapter a PEFT adapter folder, or null for the quantized model alone
     * @throws ModelInputException when the quantized file has no linear weight of the model, a weight
     *                             of another shape, or the adapter a module the quantized model lacks
     */
    public static CompressedModel fromQuantized(Path quantized, Path adapter, ModelFolder folder) {
        return fromQuantized(quantized, adapter, folder, module -> true);
    }

    /**
     * {@link #fromQuantized(Path, Path, ModelFolder)} replacing only the modules {@code modules} accepts
     * (a compensate run restricted by {@code --include}); the adapter's other modules are ignored.
     */
    public static CompressedModel fromQuantized(Path quantized, Path adapter, ModelFolder folder,
                                                java.util.function.Predicate<String> modules) {
        Map<String, LinearReplacement> reps = new HashMap<>();
        try (TensorSource q = HuggingFaceView.pairedWith(Checkpoints.open(quantized), folder.weights());
             PeftAdapter lora = adapter == null ? null : PeftAdapter.open(adapter)) {
            for (LinearModule m : ModelRuntime.of(folder).linearModules()) {
                Optional<TensorInfo> t = modules.test(m.name()) ? q.find(m.weightName()) : Optional.empty();
                if (t.isEmpty()) {
                    continue;
                }
                TensorInfo ti = t.get();
                if (ti.rank() != 2 || ti.dim(0) != m.storedRows() || ti.dim(1) != m.storedCols()) {
                    throw new ModelInputException(quantized + ": " + ti.name() + " is " + ti.shapeString() + " but "
                            + m.name() + " of " + folder.path().getFileName() + " stores " + m.storedRows() + "×"
                            + m.storedCols() + " (a quantized form of another model?)");
                }
                double[] w = q.readDouble(ti.name());
                Optional<PeftAdapter.LoraModule> lm = lora == null ? Optional.empty() : lora.module(m.name());
                if (lm.isPresent()) {
                    double[] d = lora.delta(lm.get()).data();
                    for (int i = 0; i < w.length; i++) {
                        w[i] += d[i];
                    }
                }
                float[] v = new float[w.length];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) w[i];
                }
                reps.put(m.name(), new LinearReplacement.Dense(m.storedRows(), m.storedCols(), v));
            }
            if (lora != null) {
                for (PeftAdapter.LoraModule lm : lora.modules().values()) {
                    // embedding tables stay float in the forward pass (linear modules only are replaced),
                    // so their lora_embedding_A/B is not applied here
                    String module = lm.module();
                    if (modules.test(module) && !lm.embedding() && !reps.containsKey(module)) {
                        throw new ModelInputException(adapter + ": the adapter has " + module + ", which is not a "
                                + "quantized linear module of " + folder.path().getFileName() + " in " + quantized.getFileName());
                    }
                }
            }
        }
        if (reps.isEmpty()) {
            throw new ModelInputException(quantized + ": has no weight of any linear module of "
                    + folder.path().getFileName() + " (a quantized form of another model?)");
        }
        return new CompressedModel(reps);
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
