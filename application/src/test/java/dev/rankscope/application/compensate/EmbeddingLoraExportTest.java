package dev.rankscope.application.compensate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The compensation of an embedding table is exported as PEFT's embedding LoRA (issue 16 item 4) and
 * matches the golden of {@code tools/embedding_lora_golden.py} (numpy, PEFT's formula ΔW = scaling·(B·A)ᵀ
 * with A {@code lora_embedding_A} r×num_embeddings and B {@code lora_embedding_B} dim×r, checked there
 * against PyTorch's F.embedding): keys and shapes as PEFT saves them, the update computed here from the
 * raw tensors and the one Rankscope's PEFT reader gives both equal the golden, the config targets the
 * embedding with scaling exactly 1, and the reloaded residual equals the predicted one. With EoRA the
 * embedding (no input activations, no statistics) gets the same weight-space SVD.
 */
class EmbeddingLoraExportTest {
    private static final String EMBED = "model.embed_tokens";
    private static final String LINEAR = "model.layers.0.self_attn.q_proj";
    private static final int RANK = 3;

    @TempDir
    Path dir;

    private static Path golden(String file) throws Exception {
        return Path.of(EmbeddingLoraExportTest.class.getResource("/compensate/embedding_lora/" + file).toURI());
    }

    @ParameterizedTest
    @EnumSource(CompensateParameters.Method.class)
    void theEmbeddingIsExportedAsPeftEmbeddingLoraEqualToTheGolden(CompensateParameters.Method method) throws Exception {
        Path out = dir.resolve("adapter");
        CompensateResult r = new CompensateJob().task(new CompensateParameters(golden("base.safetensors").toString(), null,
                golden("quantized.safetensors").toString(),
                method == CompensateParameters.Method.EORA ? golden("stats.safetensors").toString() : null, method,
                CompensateParameters.Selection.RANK, RANK, 0, null, null, 1e-6, out.toString(), "auto", null)).runHere();
        assertTrue(r.verified(), r.notes().toString());
        CompensateResult.MatrixRow embed = row(r, EMBED + ".weight");
        assertTrue(embed.compensated());
        assertEquals(RANK, embed.rank());
        assertEquals(CompensateResult.EMBEDDING_NOTE, embed.note());
        assertEquals(RANK * (40L + 8), embed.params());

        try (TensorSource g = Checkpoints.open(golden("golden.safetensors"));
             TensorSource written = Checkpoints.open(out.resolve("adapter_model.safetensors"));
             PeftAdapter reloaded = PeftAdapter.open(out)) {
            TensorInfo a = written.require(PeftAdapter.PREFIX + EMBED + ".lora_embedding_A");
            TensorInfo b = written.require(PeftAdapter.PREFIX + EMBED + ".lora_embedding_B");
            assertArrayEquals(new long[] {RANK, 40}, a.shape(), "lora_embedding_A is r × num_embeddings");
            assertArrayEquals(new long[] {8, RANK}, b.shape(), "lora_embedding_B is embedding_dim × r");
            double[] expected = g.readDouble(EMBED + ".delta");
            assertClose(expected, pefts(written.readDouble(a.name()), written.readDouble(b.name()), RANK, 40, 8),
                    "(B·A)ᵀ of the raw tensors");
            PeftAdapter.LoraModule module = reloaded.module(EMBED).orElseThrow();
            assertTrue(module.embedding());
            assertEquals(1.0, module.scaling(), "alpha_pattern = rank_pattern gives scaling 1");
            Matrix delta = reloaded.delta(module);
            assertEquals(40, delta.rows());
            assertClose(expected, delta.data(), "Rankscope's PEFT reader");
            if (method == CompensateParameters.Method.SVD) {
                assertClose(g.readDouble(LINEAR + ".delta"), reloaded.delta(reloaded.module(LINEAR).orElseThrow()).data(),
                        "the linear module beside it (plain SVD; EoRA's differs by design)");
            }
            double wNorm = Math.sqrt(embed.weightEnergy());
            assertEquals(g.readDouble(EMBED + ".residual")[0], embed.measuredResidual() * wNorm,
                    1e-5 * g.readDouble(EMBED + ".residual")[0], "reloaded ‖W − (Ŵ + ΔW)‖_F equals the golden residual");
            assertEquals(embed.residual(), embed.measuredResidual(), 1e-5 * embed.residual(), "measured = predicted");
        }
        JsonNode config = new ObjectMapper().readTree(Files.readString(out.resolve("adapter_config.json")));
        assertTrue(config.get("target_modules").toString().contains("\"" + EMBED + "\""), config.toString());
        assertEquals(RANK, config.get("rank_pattern").get(EMBED).asInt());
        assertEquals(RANK, config.get("alpha_pattern").get(EMBED).asInt());
    }

    private static CompensateResult.MatrixRow row(CompensateResult r, String id) {
        return r.matrices().stream().filter(m -> m.id().equals(id)).findFirst().orElseThrow();
    }

    /** PEFT's Embedding.get_delta_weight with scaling 1, written out: ΔW[v][d] = Σ_j B[d][j]·A[j][v]. */
    private static double[] pefts(double[] a, double[] b, int r, int vocab, int dim) {
        double[] out = new double[vocab * dim];
        for (int v = 0; v < vocab; v++) {
            for (int d = 0; d < dim; d++) {
                double s = 0;
                for (int j = 0; j < r; j++) {
                    s += b[d * r + j] * a[j * vocab + v];
                }
                out[v * dim + d] = s;
            }
        }
        return out;
    }

    /** Float32 factors: each entry within 1e-6 of the largest entry. */
    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-6 * scale, what + " at " + i);
        }
    }
}
