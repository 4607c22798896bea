package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.LlamaGgufFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A llama.cpp GGUF seen under Hugging Face names (issue 16): a file written as convert_hf_to_gguf.py
 * writes Llama weights (Q/K rows permuted for llama.cpp's RoPE, 4 heads, 2 KV heads) reads back
 * element for element equal to the HF tensors.
 */
class HuggingFaceViewTest {
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;

    @TempDir
    Path dir;

    private static Map<String, Matrix> hf(long seed) {
        return LlamaGgufFixture.oneBlock(seed);
    }

    @Test
    void llamaFileReadsBackAsTheHfTensorsExactly() throws Exception {
        Map<String, Matrix> hf = hf(1);
        Path f = LlamaGgufFixture.write(dir.resolve("m.gguf"), hf, "llama", HEADS, KV_HEADS, DType.F32);
        try (TensorSource raw = Checkpoints.open(f); TensorSource view = HuggingFaceView.of(Checkpoints.open(f))) {
            assertEquals(List.copyOf(hf.keySet()), view.tensors().stream().map(TensorInfo::name).toList());
            for (Map.Entry<String, Matrix> e : hf.entrySet()) {
                assertArrayEquals(e.getValue().data(), view.readDouble(e.getKey()), 0.0, e.getKey());
            }
            assertEquals("llama", view.metadata().get(HuggingFaceView.UNPERMUTED_KEY));
            // the file itself holds the permuted rows: the view is not the identity on q and k
            String q = "model.layers.0.self_attn.q_proj.weight";
            assertFalse(java.util.Arrays.equals(hf.get(q).data(), raw.readDouble("blk.0.attn_q.weight")));
            // a read starting mid-row and crossing rows
            double[] part = new double[70];
            view.readElements("model.layers.0.self_attn.k_proj.weight", 45, 70, part, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(hf.get("model.layers.0.self_attn.k_proj.weight").data(), 45, 115),
                    part, 0.0);
        }
    }

    @Test
    void quantizedRowsMoveWholeSoEachHfRowIsItsOwnQuantization() throws Exception {
        Map<String, Matrix> hf = hf(2);
        Path permuted = LlamaGgufFixture.write(dir.resolve("q8.gguf"), hf, "llama", HEADS, KV_HEADS, DType.Q8_0);
        // The same weights quantized in HF row order (as a NeoX-RoPE architecture is written): per-row blocks
        // make each row's Q8_0 values independent of where the row sits, so the two views must agree exactly.
        Path plain = LlamaGgufFixture.write(dir.resolve("plain.gguf"), hf, "qwen2", HEADS, KV_HEADS, DType.Q8_0);
        try (TensorSource a = HuggingFaceView.of(Checkpoints.open(permuted));
             TensorSource b = HuggingFaceView.of(Checkpoints.open(plain))) {
            assertEquals(null, b.metadata().get(HuggingFaceView.UNPERMUTED_KEY));
            for (String name : List.of("model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight",
                    "model.layers.0.mlp.down_proj.weight")) {
                double[] x = a.readDouble(name);
                assertArrayEquals(b.readDouble(name), x, 0.0, name);
                double err = 0;
                double norm = 0;
                for (int i = 0; i < x.length; i++) {
                    double w = hf.get(name).data()[i];
                    err += (w - x[i]) * (w - x[i]);
                    norm += w * w;
                }
                assertTrue(Math.sqrt(err / norm) < 0.01, name + ": Q8_0 error " + Math.sqrt(err / norm));
            }
        }
    }

    @Test
    void unknownArchitectureKeepsQkUnderGgufNamesAndSaysWhy() throws Exception {
        Path f = LlamaGgufFixture.write(dir.resolve("g.gguf"), hf(3), "gemma", HEADS, KV_HEADS, DType.F32);
        try (TensorSource view = HuggingFaceView.of(Checkpoints.open(f))) {
            assertTrue(view.find("blk.0.attn_q.weight").isPresent());
            assertTrue(view.find("model.layers.0.self_attn.q_proj.weight").isEmpty());
            assertTrue(view.find("model.layers.0.self_attn.v_proj.weight").isPresent());
            String why = view.metadata().get(HuggingFaceView.UNMAPPED_KEY);
            assertTrue(why.contains("blk.0.attn_k.weight") && why.contains("gemma"), why);
        }
    }

    @Test
    void headCountsThatDoNotFitAreOneLineNamingTheFile() throws Exception {
        Path f = LlamaGgufFixture.write(dir.resolve("bad.gguf"), hf(4), "llama", 3, 3, DType.F32);
        try (TensorSource raw = Checkpoints.open(f)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> HuggingFaceView.of(raw));
            assertTrue(e.getMessage().startsWith("bad.gguf: blk.0.attn_q.weight has 32 rows"), e.getMessage());
        }
    }

    @Test
    void namesMapAndOtherFormatsPassThrough() throws Exception {
        assertEquals("model.layers.7.mlp.down_proj.weight", HuggingFaceView.huggingFaceName("blk.7.ffn_down.weight").orElseThrow());
        assertEquals("model.layers.0.self_attn.q_proj.bias", HuggingFaceView.huggingFaceName("blk.0.attn_q.bias").orElseThrow());
        assertEquals("lm_head.weight", HuggingFaceView.huggingFaceName("output.weight").orElseThrow());
        assertTrue(HuggingFaceView.huggingFaceName("rope_freqs.weight").isEmpty());
        Path f = LlamaGgufFixture.write(dir.resolve("n.gguf"), hf(5), "llama", HEADS, KV_HEADS, DType.F32);
        try (TensorSource gguf = Checkpoints.open(f)) {
            assertSame(gguf, HuggingFaceView.pairedWith(gguf, gguf), "two GGUF files pair under their own names");
            assertNotEquals(gguf, HuggingFaceView.of(gguf));
        }
    }
}
