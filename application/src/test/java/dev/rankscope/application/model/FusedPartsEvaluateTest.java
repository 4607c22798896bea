package dev.rankscope.application.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.LowRankLabel;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.application.plan.PlanParameters;
import dev.rankscope.application.plan.PlanResult;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.LinearReplacement;
import dev.rankscope.runtime.MiniLmFolder;
import dev.rankscope.runtime.ModelFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluating a GPT-2 plan that factorises parts of the fused {@code c_attn} (q of layer 0 at rank 3,
 * k of layer 0 at rank 5, v of layer 1 at rank 2) on the runtime's tiny golden GPT-2: the fused
 * weight assembled from the truncated parts, the compressed model's perplexity, mean KL and top-1
 * agreement all match {@code tools/fused_parts_golden.py} (numpy SVD, torch forward written from
 * Hugging Face's GPT2LMHeadModel).
 */
class FusedPartsEvaluateTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path text;
    static JsonNode golden;

    @BeforeAll
    static void copyModel() throws Exception {
        model = Files.createDirectories(dir.resolve("gpt2"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "golden.safetensors")) {
            MiniLmFolder.copyResource("golden/gpt2/" + f, model.resolve(f));
        }
        String texts;
        try (TensorSource g = Checkpoints.open(model.resolve("golden.safetensors"))) {
            texts = g.metadata().get("texts");
        }
        Files.delete(model.resolve("golden.safetensors"));
        ObjectMapper json = new ObjectMapper();
        text = Files.writeString(dir.resolve("text.txt"), json.readTree(texts).get(3).asText() + "\n");
        try (InputStream in = FusedPartsEvaluateTest.class.getResourceAsStream("/model/gpt2-fused-parts.json")) {
            golden = json.readTree(in);
        }
    }

    /** A weights-only plan for the model: every matrix dense except the golden's parts at their ranks. */
    private static Path plan(String name, boolean alsoWhole) throws Exception {
        List<PlannedMatrix> matrices = new ArrayList<>();
        for (JsonNode part : golden.get("parts")) {
            matrices.add(part(part.get("id").asText(), part.get("rows").asInt(), part.get("cols").asInt(),
                    part.get("rank").asInt(), part.get("singular_values")));
        }
        try (ModelFolder folder = ModelFolder.open(model)) {
            Plan dense = PlanInputs.compute(folder.weights(), Backends.select(Backends.Preference.AUTO), null, null,
                    (i, n) -> { }).plan("uniform-rank", 1.0, false);
            for (PlannedMatrix m : dense.matrices()) {
                boolean whole = alsoWhole && m.id().equals("h.0.attn.c_attn.weight");
                matrices.add(whole ? new PlannedMatrix(m.id(), m.moduleName(), m.layer(), m.module(), m.rows(), m.cols(),
                        m.dtype(), true, false, 4, m.paramsBefore(), 4L * (m.rows() + m.cols()), m.bytesBefore(),
                        16L * (m.rows() + m.cols()), m.totalEnergy(), 0.5, 0.7, LowRankLabel.NONE) : m);
            }
            Plan plan = new Plan(dense.source(), dense.strategy(), dense.budget(), dense.scope(), dense.constraints(),
                    dense.created(), dense.tool(), matrices, PlanTotals.of(matrices, dense.totals().budgetParams()),
                    List.of(), null);
            Path file = dir.resolve(name);
            PlanJson.write(plan, file);
            return file;
        }
    }

    private static PlannedMatrix part(String id, int rows, int cols, int k, JsonNode sigma) {
        double total = 0;
        double kept = 0;
        for (int i = 0; i < sigma.size(); i++) {
            double s2 = sigma.get(i).asDouble() * sigma.get(i).asDouble();
            total += s2;
            kept += i < k ? s2 : 0;
        }
        MatrixName name = NameParser.parse(id);
        return new PlannedMatrix(id, name.moduleName(), name.layer(), name.module(), rows, cols, DType.F32, true, false, k,
                (long) rows * cols, (long) k * (rows + cols), 4L * rows * cols, 4L * k * (rows + cols), total, kept / total,
                Math.sqrt(Math.max(0, total - kept) / total), LowRankLabel.NONE);
    }

    @Test
    void fusedWeightIsAssembledFromTheTruncatedParts() throws Exception {
        Path planFile = plan("assembled.json", false);
        assertFusedWeight(planFile, null, golden.get("compressed_c_attn_0"));
    }

    /** The compressed model's layer-0 c_attn (dense, reassembled from its parts) equals {@code want}. */
    private static void assertFusedWeight(Path planFile, Path stats, JsonNode want) throws Exception {
        try (ModelFolder folder = ModelFolder.open(model)) {
            CompressedModel cm = CompressedModel.fromPlan(PlanJson.read(planFile), planFile, folder, stats,
                    Backends.select(Backends.Preference.AUTO), SafetensorsWriter.Progress.NONE);
            assertEquals(List.of("h.0.attn.c_attn", "h.1.attn.c_attn"), cm.modules());
            LinearReplacement.Dense c0 = (LinearReplacement.Dense) cm.replacement("h.0.attn.c_attn").orElseThrow();
            assertEquals(want.size(), c0.values().length);
            assertEquals(32, c0.rows(), "stored (in, out)");
            double worst = 0;
            for (int i = 0; i < want.size(); i++) {
                worst = Math.max(worst, Math.abs(want.get(i).asDouble() - c0.values()[i]));
            }
            assertTrue(worst < 1e-5, "largest difference from numpy " + worst);
        }
    }

    @Test
    void compressedModelMatchesTheReference() throws Exception {
        EvaluateResult r = new EvaluateJob().task(new EvaluateParameters(model, text, plan("parts.json", false), null, null,
                golden.get("seq_len").asInt(), EvaluateParameters.DEFAULT_MAX_TOKENS, null)).runHere();
        assertEquals(golden.get("windows").asInt(), r.windows());
        assertEquals(golden.get("tokens_scored").asLong(), r.compressed().tokensScored());
        assertEquals(2, r.factorisedModules());
        assertEquals(golden.get("original_perplexity").asDouble(), r.original().perplexity(),
                1e-4 * golden.get("original_perplexity").asDouble());
        double ppl = golden.get("compressed_perplexity").asDouble();
        assertTrue(Math.abs(ppl - golden.get("original_perplexity").asDouble()) > 1e-3, "the parts' truncation shows");
        assertEquals(ppl, r.compressed().perplexity(), 1e-4 * ppl, "compressed perplexity");
        assertEquals(golden.get("mean_kl").asDouble(), r.meanKl(), 1e-5 + 1e-3 * golden.get("mean_kl").asDouble(), "mean KL");
        assertEquals(golden.get("top1_agreement").asDouble(), r.top1Agreement(), 1e-12, "top-1 agreement");
    }

    @Test
    void aPlanFactorisingTheMatrixAndItsPartsIsRefused() throws Exception {
        Path both = plan("both.json", true);
        ModelInputException e = assertThrows(ModelInputException.class, () -> new EvaluateJob().task(new EvaluateParameters(
                model, text, both, null, null, 20, EvaluateParameters.DEFAULT_MAX_TOKENS, null)).runHere());
        assertTrue(e.getMessage().contains("factorises h.0.attn.c_attn.weight and also its parts"), e.getMessage());
    }

    /**
     * Data-aware parts ({@code tools/fused_parts_whitened_golden.py}): calibrate writes the c_attn
     * input Gram the parts share; a {@code --fused-parts} plan allocates on each part's σ(W_p·S)
     * with that Gram's S; a plan at the golden's ranks builds (W_p·S)_k·S⁻¹ per part, reassembled
     * into the fused weight, and the compressed model scores as the torch reference.
     */
    @Test
    void whitenedPartsMatchTheReference() throws Exception {
        JsonNode ref;
        try (InputStream in = FusedPartsEvaluateTest.class.getResourceAsStream("/model/gpt2-fused-parts-whitened.json")) {
            ref = new ObjectMapper().readTree(in);
        }
        int seqLen = ref.get("seq_len").asInt();
        Path stats = dir.resolve("whitened-stats.safetensors");
        new CalibrateJob().task(new CalibrateParameters(model, text, seqLen, CalibrateParameters.DEFAULT_MAX_TOKENS, stats))
                .runHere();
        try (TensorSource s = Checkpoints.open(stats)) {
            for (String module : List.of("h.0.attn.c_attn", "h.1.attn.c_attn")) {
                double[] gram = s.readDouble(module + ".input_gram");
                JsonNode want = ref.get("input_gram").get(module);
                double scale = 0;
                double worst = 0;
                for (int i = 0; i < gram.length; i++) {
                    scale = Math.max(scale, Math.abs(want.get(i).asDouble()));
                    worst = Math.max(worst, Math.abs(want.get(i).asDouble() - gram[i]));
                }
                assertTrue(worst < 1e-5 * scale, module + " Gram differs from torch's by " + worst + " (scale " + scale + ")");
            }
        }
        PlanResult planned = new PlanJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, null, null,
                java.time.Clock.systemUTC()))).task(new PlanParameters(model, List.of(StrategyRegistry.standard()
                .defaults("global-optimal")), false, Budget.keptFraction(0.6), Scope.defaults(), Constraints.defaults(),
                stats, null, null, 1, false, null, null, null, null, true)).runHere();
        Plan aware = planned.plan();
        for (JsonNode part : ref.get("parts")) {
            PlannedMatrix pm = aware.matrix(part.get("id").asText()).orElseThrow();
            double[] sigma = values(part.get("whitened_singular_values"));
            double total = 0;
            for (double x : sigma) {
                total += x * x;
            }
            assertEquals(total, pm.totalEnergy(), 1e-6 * total, pm.id() + ": Σσ²(W_p·S)");
            assertEquals(tail(sigma, pm.rank()), pm.relativeError(), 1e-6, pm.id() + " at rank " + pm.rank());
            assertTrue(aware.dataAware().modules().containsKey(pm.id()), pm.id() + " has its transform recorded");
        }
        assertTrue(aware.matrix("h.0.attn.c_attn.weight").isEmpty(), "parts in place of the fused matrix");

        List<PlannedMatrix> matrices = new ArrayList<>();
        for (PlannedMatrix m : aware.matrices()) {
            JsonNode part = partOf(ref, m.id());
            if (part != null && part.has("rank")) {
                int k = part.get("rank").asInt();
                assertEquals(part.get("rel_error").asDouble(), tail(values(part.get("whitened_singular_values")), k), 1e-9);
                matrices.add(new PlannedMatrix(m.id(), m.moduleName(), m.layer(), m.module(), m.rows(), m.cols(), m.dtype(),
                        true, false, k, m.paramsBefore(), (long) k * (m.rows() + m.cols()), m.bytesBefore(),
                        4L * k * (m.rows() + m.cols()), m.totalEnergy(), 1 - Math.pow(part.get("rel_error").asDouble(), 2),
                        part.get("rel_error").asDouble(), LowRankLabel.NONE));
            } else {
                matrices.add(new PlannedMatrix(m.id(), m.moduleName(), m.layer(), m.module(), m.rows(), m.cols(), m.dtype(),
                        true, true, Math.min(m.rows(), m.cols()), m.paramsBefore(), m.paramsBefore(), m.bytesBefore(),
                        m.bytesBefore(), m.totalEnergy(), 1, 0, LowRankLabel.NONE));
            }
        }
        Path planFile = dir.resolve("whitened.json");
        PlanJson.write(new Plan(aware.source(), aware.strategy(), aware.budget(), aware.scope(), aware.constraints(),
                aware.created(), aware.tool(), matrices, PlanTotals.of(matrices, aware.totals().budgetParams()), List.of(),
                aware.dataAware()), planFile);
        assertFusedWeight(planFile, stats, ref.get("compressed_c_attn_0"));

        EvaluateResult r = new EvaluateJob().task(new EvaluateParameters(model, text, planFile, null, stats, seqLen,
                EvaluateParameters.DEFAULT_MAX_TOKENS, null)).runHere();
        assertEquals(ref.get("tokens_scored").asLong(), r.compressed().tokensScored());
        double ppl = ref.get("compressed_perplexity").asDouble();
        assertTrue(Math.abs(ppl - ref.get("original_perplexity").asDouble()) > 1e-3 * ppl, "the parts' truncation shows");
        assertEquals(ppl, r.compressed().perplexity(), 1e-4 * ppl, "compressed perplexity");
        assertEquals(ref.get("mean_kl").asDouble(), r.meanKl(), 1e-5 + 1e-3 * ref.get("mean_kl").asDouble(), "mean KL");
        assertEquals(ref.get("top1_agreement").asDouble(), r.top1Agreement(), 1e-12, "top-1 agreement");
    }

    private static JsonNode partOf(JsonNode ref, String id) {
        for (JsonNode p : ref.get("parts")) {
            if (p.get("id").asText().equals(id)) {
                return p;
            }
        }
        return null;
    }

    private static double[] values(JsonNode array) {
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).asDouble();
        }
        return v;
    }

    /** sqrt(Σ_{i≥k} σ_i² / Σ σ_i²). */
    private static double tail(double[] sigma, int k) {
        double total = 0;
        double tail = 0;
        for (int i = 0; i < sigma.length; i++) {
            total += sigma[i] * sigma[i];
            tail += i >= k ? sigma[i] * sigma[i] : 0;
        }
        return Math.sqrt(tail / total);
    }
}
