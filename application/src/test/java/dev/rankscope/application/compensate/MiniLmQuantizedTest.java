package dev.rankscope.application.compensate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real weights (issue 16): the int8 ONNX all-MiniLM-L6-v2 that langchain4j ships (ONNX Runtime dynamic
 * quantization, MatMulInteger) against its float original. ‖E‖/‖W‖ and the top singular values of E
 * must match the numpy dequantization of {@code tools/minilm_quant_goldens.py}; the rank-16 adapter
 * is written and verified on reload. Layers 0–1 keep the test short; {@code rankscope compensate} runs all 36.
 */
class MiniLmQuantizedTest {
    @TempDir
    Path dir;

    private Path extract(String resource) throws Exception {
        Path f = dir.resolve(resource);
        dev.rankscope.runtime.MiniLmFolder.copyResource(resource, f);
        return f;
    }

    @Test
    void errorSpectraMatchNumpyAndTheAdapterVerifies() throws Exception {
        Path base = extract("all-minilm-l6-v2.onnx");
        Path quant = extract("all-minilm-l6-v2-q.onnx");
        JsonNode goldens;
        try (InputStream in = MiniLmQuantizedTest.class.getResourceAsStream("/compensate/minilm_q_goldens.json")) {
            goldens = new ObjectMapper().readTree(in).get("matrices");
        }
        CompensateParameters p = new CompensateParameters(base.toString(), null, quant.toString(), null,
                CompensateParameters.Method.SVD, CompensateParameters.Selection.RANK, 16, 0, null, null, 1e-6,
                dir.resolve("adapter").toString(), "auto", "^encoder\\.layer\\.[01]\\.");
        CompensateResult r = new CompensateJob().task(p).runHere();
        assertTrue(r.verified(), r.notes().toString());
        assertEquals(12, r.matrices().size(), "layers 0-1 × (q, k, v, attention output, intermediate, output)");
        assertEquals(java.util.List.of("pooler.dense.weight"), r.onlyInBase(), "the int8 export has no pooler");
                assertTrue(r.onlyInQuantized().isEmpty(), "codes, scales and zero points are not listed as unpaired");
        for (CompensateResult.MatrixRow row : r.matrices()) {
            JsonNode g = goldens.get(row.id());
            assertNotNull(g, row.id());
            assertEquals(g.get("rel_error").asDouble(), row.relativeError(), 1e-9 * row.relativeError(), row.id());
            double[] sigma = row.errorSigma();
            for (int i = 0; i < 8; i++) {
                double expected = g.get("top_sigma").get(i).asDouble();
                assertEquals(expected, sigma[i], 1e-7 * sigma[0], row.id() + " σ" + i);
            }
            assertEquals(16, row.rank());
            assertTrue(row.residual() < row.relativeError(), row.id());
            assertTrue(row.verified() && Math.abs(row.measuredResidual() - row.residual()) <= 1e-5 * row.residual(), row.id());
        }
        assertEquals(r.matrices().stream().mapToLong(CompensateResult.MatrixRow::params).sum(), r.addedParams());
        assertTrue(Files.isRegularFile(dir.resolve("adapter/adapter_model.safetensors")));
    }
}
