package dev.rankscope.application.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.allocation.LowRankLabel;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.plan.PlanJson;
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
import java.util.Map;

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
        try (ModelFolder folder = ModelFolder.open(model)) {
            Map<String, LinearReplacement> reps = FusedParts.replacements(PlanJson.read(plan("assembled.json", false)),
                    dir.resolve("assembled.json"), folder, Backends.select(Backends.Preference.AUTO),
                    SafetensorsWriter.Progress.NONE);
            assertEquals(2, reps.size(), "c_attn of layers 0 and 1: " + reps.keySet());
            LinearReplacement.Dense c0 = (LinearReplacement.Dense) reps.get("h.0.attn.c_attn");
            JsonNode want = golden.get("compressed_c_attn_0");
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
}
