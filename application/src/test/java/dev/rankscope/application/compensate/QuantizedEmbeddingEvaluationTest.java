package dev.rankscope.application.compensate;

import dev.rankscope.application.model.CompressedModel;
import dev.rankscope.application.model.EvaluateJob;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.model.EvaluateResult;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.FloatMatrix;
import dev.rankscope.runtime.ForwardOptions;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 item 5: the evaluation runs the quantized model as the quantized file holds it, embedding
 * tables included. A 1-layer BERT encoder whose every 2-D weight — word, position and token-type
 * tables and the six linear modules — is int4 per row; its rank-2 SVD compensation written by
 * {@link CompensateJob} (embedding LoRA for the tables). The pooled embeddings of the quantized and the
 * compensated arm, and the cosines {@link EvaluateJob} and {@link EmbeddingEvaluation} report, equal the
 * PyTorch reference of {@code tools/embedding_lora_golden.py}, which replaces the tables by their
 * dequantized values and adds U_kΣ_kV_kᵀ of E from numpy's SVD — independently of Rankscope. The
 * quality-vs-rank curve ({@link CompensationCurveJob}) cuts the exported adapter to ranks 0, 1, 2 and
 * meets the reference at each.
 */
class QuantizedEmbeddingEvaluationTest {
    private static final int RANK = 2;
    /** Pooled embeddings are unit vectors; float32 forward passes in two implementations. */
    private static final double POOLED_TOLERANCE = 2e-5;
    private static final double COSINE_TOLERANCE = 1e-6;
    private static final List<String> TABLES = List.of("embeddings.position_embeddings.weight",
            "embeddings.token_type_embeddings.weight", "embeddings.word_embeddings.weight");

    @TempDir
    Path dir;
    private Path root;
    private Path model;
    private Path quantized;
    private Path adapter;

    @BeforeEach
    void paths() throws Exception {
        root = Path.of(getClass().getResource("/compensate/embedding_eval/golden.safetensors").toURI()).getParent();
        model = root.resolve("model");
        quantized = root.resolve("quantized.safetensors");
        adapter = dir.resolve("adapter");
    }

    private CompensateResult runCompensate() {
        CompensateResult r = new CompensateJob().task(new CompensateParameters(model.resolve("model.safetensors").toString(),
                null, quantized.toString(), null, CompensateParameters.Method.SVD, CompensateParameters.Selection.RANK, RANK,
                0, null, null, 1e-6, adapter.toString(), "auto", null)).runHere();
        assertTrue(r.verified(), r.notes().toString());
        for (String t : TABLES) {
            CompensateResult.MatrixRow row = r.matrices().stream().filter(m -> m.id().equals(t)).findFirst().orElseThrow();
            assertTrue(row.compensated() && row.rank() == RANK, t + " gets an embedding LoRA of rank " + RANK);
        }
        return r;
    }

    @Test
    void eachArmMatchesThePyTorchReferenceWithTheTablesReplaced() throws Exception {
        runCompensate();
        try (ModelFolder folder = ModelFolder.open(model); TensorSource g = Checkpoints.open(root.resolve("golden.safetensors"))) {
            ModelRuntime runtime = ModelRuntime.of(folder);
            assertEquals(TABLES, runtime.embeddingTables().stream().sorted().toList());
            List<int[]> ids = ids(folder);
            CompressedModel q = CompressedModel.fromQuantized(quantized, null, folder);
            CompressedModel c = CompressedModel.fromQuantized(quantized, adapter, folder);
            assertEquals(TABLES, q.embeddingTables());
            assertEquals(6, q.factorisedModules());
            assertClose(g.readFloat("pooled.original"), runtime.forward(ids, ForwardOptions.defaults()).pooled(), "original");
            assertClose(g.readFloat("pooled.quantized"),
                    runtime.forward(ids, ForwardOptions.defaults().withWeights(q.override())).pooled(), "quantized");
            assertClose(g.readFloat("pooled.compensated"),
                    runtime.forward(ids, ForwardOptions.defaults().withWeights(c.override())).pooled(), "compensated");
        }
    }

    @Test
    void aQuantizedArmWithFloatEmbeddingsIsFarFromTheReference() throws Exception {
        try (ModelFolder folder = ModelFolder.open(model); TensorSource g = Checkpoints.open(root.resolve("golden.safetensors"))) {
            float[] reference = g.readFloat("pooled.quantized");
            float[] linearOnly = g.readFloat("pooled.linear_only");
            assertTrue(maxDiff(reference, linearOnly) > 100 * POOLED_TOLERANCE,
                    "the fixture's tables are quantized coarsely enough that leaving them float is visible");
            CompressedModel q = CompressedModel.fromQuantized(quantized, null, folder);
            FloatMatrix ours = ModelRuntime.of(folder).forward(ids(folder), ForwardOptions.defaults().withWeights(q.override())).pooled();
            assertTrue(maxDiff(linearOnly, ours.data()) > 100 * POOLED_TOLERANCE,
                    "the quantized arm must not keep the float embedding tables");
            assertTrue(maxDiff(reference, ours.data()) < POOLED_TOLERANCE, "the quantized arm uses the dequantized tables");
        }
    }

    @Test
    void evaluateAndTheCompensateEvaluationReportTheReferenceCosines() throws Exception {
        CompensateResult r = runCompensate();
        try (TensorSource g = Checkpoints.open(root.resolve("golden.safetensors"))) {
            double[] cq = g.readDouble("cosine.quantized");
            double[] cc = g.readDouble("cosine.compensated");
            Path text = root.resolve("eval.txt");
            EvaluateResult quant = new EvaluateJob().task(new EvaluateParameters(model, text, null, null, null, 128, 65536,
                    null, quantized, null)).runHere();
            EvaluateResult comp = new EvaluateJob().task(new EvaluateParameters(model, text, null, null, null, 128, 65536,
                    null, quantized, adapter)).runHere();
            assertEquals(mean(cq), quant.cosine().mean(), COSINE_TOLERANCE, "evaluate --quantized");
            assertEquals(min(cq), quant.cosine().min(), COSINE_TOLERANCE, "evaluate --quantized");
            assertEquals(mean(cc), comp.cosine().mean(), COSINE_TOLERANCE, "evaluate --quantized --adapter");
            assertEquals(min(cc), comp.cosine().min(), COSINE_TOLERANCE, "evaluate --quantized --adapter");

            EmbeddingEvaluation e = EmbeddingEvaluation.ofLines(model, r, text);
            assertEquals(3, e.tables());
            assertEquals(6, e.modules());
            assertEquals(mean(cq), e.meanCosineQuantized(), COSINE_TOLERANCE, "compensate --evaluate, quantized");
            assertEquals(min(cq), e.minCosineQuantized(), COSINE_TOLERANCE, "compensate --evaluate, quantized");
            assertEquals(mean(cc), e.meanCosineCompensated(), COSINE_TOLERANCE, "compensate --evaluate, compensated");
            assertEquals(min(cc), e.minCosineCompensated(), COSINE_TOLERANCE, "compensate --evaluate, compensated");
        }
    }

    @Test
    void theQualityVsRankCurveCutsTheAdapterAsTheReferenceDoes() throws Exception {
        runCompensate();
        try (TensorSource g = Checkpoints.open(root.resolve("golden.safetensors"))) {
            CompensationCurveResult curve = new CompensationCurveJob().task(new CompensationCurveParameters(
                    new EvaluateParameters(model, root.resolve("eval.txt"), null, null, null, 128, 65536, null, quantized,
                            adapter), CompensationCurveParameters.doublingRanks(RANK))).runHere();
            assertEquals(List.of(0, 1, 2), curve.points().stream().map(CompensationCurveResult.Point::rank).toList());
            assertTrue(!curve.causal());
            String[] golden = {"cosine.quantized", "cosine.compensated_rank1", "cosine.compensated"};
            for (int i = 0; i < golden.length; i++) {
                double[] c = g.readDouble(golden[i]);
                CompensationCurveResult.Point p = curve.points().get(i);
                assertEquals(mean(c), p.cosineMean(), COSINE_TOLERANCE, "rank " + p.rank() + " mean, " + golden[i]);
                assertEquals(min(c), p.cosineMin(), COSINE_TOLERANCE, "rank " + p.rank() + " min, " + golden[i]);
            }
            assertTrue(mean(g.readDouble("cosine.compensated_rank1")) > mean(g.readDouble("cosine.quantized"))
                    && mean(g.readDouble("cosine.compensated")) > mean(g.readDouble("cosine.compensated_rank1")),
                    "the reference points differ, so a rank mix-up cannot pass");
        }
    }

    @Test
    void aQuantizedFileOfAnUnknownSchemeIsRefusedByEvaluateAndCompensate() throws Exception {
        Path onnx = dev.rankscope.engine.testing.SourceTree.find("engine/src/test/resources/onnx/unknown_scheme.onnx");
        RankscopeException e = assertThrows(RankscopeException.class, () -> new EvaluateJob().task(new EvaluateParameters(
                model, root.resolve("eval.txt"), null, null, null, 128, 65536, null, onnx, null)).runHere());
        assertTrue(e.userMessage().startsWith("unknown_scheme.onnx: weights quantized by MatMulNBits"), e.userMessage());
        RankscopeException c = assertThrows(RankscopeException.class, () -> new CompensateJob().task(new CompensateParameters(
                model.resolve("model.safetensors").toString(), null, onnx.toString(), null, CompensateParameters.Method.SVD,
                CompensateParameters.Selection.RANK, RANK, 0, null, null, 1e-6, adapter.toString(), "auto", null)).runHere());
        assertEquals(e.userMessage(), c.userMessage());
        assertFalse(Files.exists(adapter), "nothing written");
    }

    private List<int[]> ids(ModelFolder folder) throws Exception {
        List<int[]> ids = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("eval.txt"))) {
            if (!line.isBlank()) {
                ids.add(folder.tokenizer().encode(line.strip(), true));
            }
        }
        return ids;
    }

    private static void assertClose(float[] expected, FloatMatrix actual, String arm) {
        assertEquals(expected.length, actual.data().length, arm);
        assertTrue(maxDiff(expected, actual.data()) < POOLED_TOLERANCE,
                arm + ": pooled embeddings differ from PyTorch by " + maxDiff(expected, actual.data()));
    }

    private static double maxDiff(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElseThrow();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }
}
