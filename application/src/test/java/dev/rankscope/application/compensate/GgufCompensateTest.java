package dev.rankscope.application.compensate;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.testing.LlamaGgufFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A llama.cpp Q8_0 GGUF against the float HF checkpoint it was converted from (issue 16): llama.cpp
 * names pair with HF names and q_proj/k_proj are compared in HF row order, so every matrix's error is
 * Q8_0's ~0.3 % (an unpermuted q_proj would differ by ~140 %), and the adapter verifies on reload,
 * the token embedding included (as PEFT embedding LoRA).
 */
class GgufCompensateTest {
    @TempDir
    Path dir;

    @Test
    void q8GgufPairsWithTheHfBaseAndCompensates() throws Exception {
        Map<String, Matrix> hf = LlamaGgufFixture.oneBlock(11);
        SafetensorsWriter sw = new SafetensorsWriter();
        hf.forEach((name, m) -> sw.add(name, DType.F32,
                m.rows() == 1 ? new long[] {m.cols()} : new long[] {m.rows(), m.cols()}, sink -> sink.put(m.data())));
        Path base = dir.resolve("model.safetensors");
        sw.write(base, AtomicFileWriter.unprotected());
        Path gguf = LlamaGgufFixture.write(dir.resolve("model-q8_0.gguf"), hf, "llama", 4, 2, DType.Q8_0);
        CompensateResult r = new CompensateJob().task(new CompensateParameters(base.toString(), null, gguf.toString(), null,
                CompensateParameters.Method.SVD, CompensateParameters.Selection.RANK, 4, 0, null, null, 1e-6,
                dir.resolve("adapter").toString(), "auto", null)).runHere();
        assertTrue(r.verified(), r.notes().toString());
        assertEquals(List.of(), r.onlyInBase());
        assertEquals(List.of(), r.onlyInQuantized());
        assertEquals(List.of(), r.shapeMismatches());
        assertEquals(9, r.matrices().size(), "7 linear matrices, the embedding and lm_head");
        for (CompensateResult.MatrixRow row : r.matrices()) {
            assertTrue(row.relativeError() > 1e-4 && row.relativeError() < 0.01, row.id() + ": " + row.relativeError());
        }
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("rows put back")), r.notes().toString());
        CompensateResult.MatrixRow embed = r.matrices().stream()
                .filter(m -> m.id().equals("model.embed_tokens.weight")).findFirst().orElseThrow();
        assertTrue(embed.compensated(), "the Q8_0 embedding is compensated as PEFT embedding LoRA");
        assertEquals(CompensateResult.EMBEDDING_NOTE, embed.note());
        assertTrue(embed.verified() && embed.measuredResidual() < embed.relativeError(), embed.toString());
        try (dev.rankscope.engine.peft.PeftAdapter a = dev.rankscope.engine.peft.PeftAdapter.open(dir.resolve("adapter"))) {
            assertTrue(a.module("model.embed_tokens").orElseThrow().embedding(), "written as lora_embedding_A/B");
        }
    }
}
