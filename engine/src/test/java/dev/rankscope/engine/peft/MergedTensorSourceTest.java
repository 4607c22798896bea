package dev.rankscope.engine.peft;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergedTensorSourceTest {
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private static final String V = "model.layers.0.self_attn.v_proj";

    private static double[] random(Random rnd, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextGaussian();
        }
        return d;
    }

    /** Explicit W₀ + s·B·A (m×n), the reference the merge must reproduce. */
    private static double[] explicitMerge(double[] w0, double[] b, double[] a, int m, int r, int n, double s) {
        double[] out = w0.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int k = 0; k < r; k++) {
                    acc += b[i * r + k] * a[k * n + j];
                }
                out[i * n + j] += s * acc;
            }
        }
        return out;
    }

    private static void assertClose(double[] expected, double[] actual, double relTol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], relTol * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    private static PeftAdapterConfig config(String json) {
        return PeftAdapterConfig.parse(json, Path.of("adapter_config.json"));
    }

    @Test
    void mergeEqualsExplicitlyMergedCheckpoint() {
        Random rnd = new Random(1);
        int m = 5, n = 7, r = 2;
        double[] q0 = random(rnd, m * n), v0 = random(rnd, m * n), norm = random(rnd, n);
        double[] qa = random(rnd, r * n), qb = random(rnd, m * r), va = random(rnd, r * n), vb = random(rnd, m * r);
        TensorSource base = InMemoryTensorSource.builder("base.safetensors")
                .matrix(Q + ".weight", m, n, q0).matrix(V + ".weight", m, n, v0)
                .tensor("model.norm.weight", new long[] {n}, norm).build();
        TensorSource weights = InMemoryTensorSource.builder("adapter_model.safetensors")
                .matrix("base_model.model." + Q + ".lora_A.weight", r, n, qa)
                .matrix("base_model.model." + Q + ".lora_B.weight", m, r, qb)
                .matrix("base_model.model." + V + ".lora_A.weight", r, n, va)
                .matrix("base_model.model." + V + ".lora_B.weight", m, r, vb).build();
        PeftAdapter adapter = PeftAdapter.of(config("{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":16}"), weights);
        MergedTensorSource merged = new MergedTensorSource(base, adapter);

        assertEquals(8.0, adapter.module(Q).orElseThrow().scaling());
        assertClose(explicitMerge(q0, qb, qa, m, r, n, 8.0), merged.readDouble(Q + ".weight"), 1e-6);
        assertClose(explicitMerge(v0, vb, va, m, r, n, 8.0), merged.readDouble(V + ".weight"), 1e-6);
        assertArrayEquals(norm, merged.readDouble("model.norm.weight"));
        TensorInfo qi = merged.require(Q + ".weight");
        assertEquals(DType.F32, qi.dtype());
        assertArrayEquals(new long[] {m, n}, qi.shape());
        assertEquals(3, merged.tensors().size());
        assertTrue(merged.isChanged(Q + ".weight"));
        assertFalse(merged.isChanged("model.norm.weight"));
        // chunked reads of a merged tensor give the same values as one read
        double[] chunk = new double[10];
        merged.readElements(Q + ".weight", 12, 10, chunk, 0);
        double[] whole = merged.readDouble(Q + ".weight");
        for (int i = 0; i < 10; i++) {
            assertEquals(whole[12 + i], chunk[i]);
        }
    }

    @Test
    void rsloraAndPatternsChangeThePerModuleScaling() {
        Random rnd = new Random(2);
        int m = 4, n = 6;
        double[] q0 = random(rnd, m * n), v0 = random(rnd, m * n);
        double[] qa = random(rnd, 4 * n), qb = random(rnd, m * 4), va = random(rnd, 2 * n), vb = random(rnd, m * 2);
        TensorSource base = InMemoryTensorSource.builder("base").matrix(Q + ".weight", m, n, q0)
                .matrix(V + ".weight", m, n, v0).build();
        TensorSource weights = InMemoryTensorSource.builder("adapter")
                .matrix("base_model.model." + Q + ".lora_A.weight", 4, n, qa)
                .matrix("base_model.model." + Q + ".lora_B.weight", m, 4, qb)
                .matrix("base_model.model." + V + ".lora_A.weight", 2, n, va)
                .matrix("base_model.model." + V + ".lora_B.weight", m, 2, vb).build();
        PeftAdapter adapter = PeftAdapter.of(config("""
                {"peft_type":"LORA","r":2,"lora_alpha":8,"use_rslora":true,
                 "rank_pattern":{"q_proj":4},"alpha_pattern":{"layers.0.self_attn.q_proj":6}}"""), weights);
        MergedTensorSource merged = new MergedTensorSource(base, adapter);
        double sq = 6 / Math.sqrt(4);
        double sv = 8 / Math.sqrt(2);
        assertEquals(sq, adapter.module(Q).orElseThrow().scaling(), 1e-15);
        assertEquals(sv, adapter.module(V).orElseThrow().scaling(), 1e-15);
        assertClose(explicitMerge(q0, qb, qa, m, 4, n, sq), merged.readDouble(Q + ".weight"), 1e-6);
        assertClose(explicitMerge(v0, vb, va, m, 2, n, sv), merged.readDouble(V + ".weight"), 1e-6);
    }

    @Test
    void fanInFanOutTransposesTheUpdate() {
        Random rnd = new Random(3);
        int out = 4, in = 6, r = 2;
        String attn = "transformer.h.0.attn.c_attn";
        double[] storedBase = random(rnd, in * out); // GPT-2 Conv1D stores (in, out)
        double[] a = random(rnd, r * in), b = random(rnd, out * r);
        TensorSource base = InMemoryTensorSource.builder("gpt2").matrix(attn + ".weight", in, out, storedBase).build();
        TensorSource weights = InMemoryTensorSource.builder("adapter")
                .matrix("base_model.model." + attn + ".lora_A.weight", r, in, a)
                .matrix("base_model.model." + attn + ".lora_B.weight", out, r, b).build();
        PeftAdapter adapter = PeftAdapter.of(config(
                "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":2,\"fan_in_fan_out\":true}"), weights);
        double[] merged = new MergedTensorSource(base, adapter).readDouble(attn + ".weight");
        double[] delta = explicitMerge(new double[out * in], b, a, out, r, in, 1.0);
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                assertEquals(storedBase[i * out + o] + delta[o * in + i], merged[i * out + o], 1e-6);
            }
        }
    }

    @Test
    void toleratesRawStateDictKeysAndEmbeddingLora() {
        Random rnd = new Random(4);
        int vocab = 9, dim = 4, r = 2, m = 4, n = 4;
        double[] emb = random(rnd, vocab * dim), q0 = random(rnd, m * n);
        double[] ea = random(rnd, r * vocab), eb = random(rnd, dim * r);
        double[] qa = random(rnd, r * n), qb = random(rnd, m * r);
        TensorSource base = InMemoryTensorSource.builder("base")
                .matrix("model.embed_tokens.weight", vocab, dim, emb).matrix(Q + ".weight", m, n, q0).build();
        // no base_model.model. prefix, ".default" adapter-name segment, embedding LoRA without ".weight"
        TensorSource weights = InMemoryTensorSource.builder("adapter")
                .matrix("model.embed_tokens.lora_embedding_A.default", r, vocab, ea)
                .matrix("model.embed_tokens.lora_embedding_B.default", dim, r, eb)
                .matrix(Q + ".lora_A.default.weight", r, n, qa)
                .matrix(Q + ".lora_B.default.weight", m, r, qb).build();
        PeftAdapter adapter = PeftAdapter.of(config("{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4}"), weights);
        MergedTensorSource merged = new MergedTensorSource(base, adapter);
        assertTrue(adapter.module("model.embed_tokens").orElseThrow().embedding());
        assertClose(explicitMerge(q0, qb, qa, m, r, n, 2.0), merged.readDouble(Q + ".weight"), 1e-6);
        double[] ba = explicitMerge(new double[dim * vocab], eb, ea, dim, r, vocab, 2.0); // dim×vocab
        double[] got = merged.readDouble("model.embed_tokens.weight");
        for (int t = 0; t < vocab; t++) {
            for (int d = 0; d < dim; d++) {
                assertEquals(emb[t * dim + d] + ba[d * vocab + t], got[t * dim + d], 1e-6);
            }
        }
    }

    @Test
    void modulesToSaveReplaceBaseTensorsAndPrefixLevelsAreResolved() {
        Random rnd = new Random(5);
        double[] head0 = random(rnd, 3 * 4), head1 = random(rnd, 3 * 4), q0 = random(rnd, 16);
        double[] qa = random(rnd, 4), qb = random(rnd, 4);
        // base saved from the bare model (no "model." level); adapter from the CausalLM wrapper
        TensorSource base = InMemoryTensorSource.builder("base")
                .matrix("layers.0.self_attn.q_proj.weight", 4, 4, q0).matrix("score.weight", 3, 4, head0).build();
        TensorSource weights = InMemoryTensorSource.builder("adapter")
                .matrix("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", 1, 4, qa)
                .matrix("base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight", 4, 1, qb)
                .matrix("base_model.model.score.modules_to_save.default.weight", 3, 4, head1).build();
        PeftAdapter adapter = PeftAdapter.of(config("{\"peft_type\":\"LORA\",\"r\":1,\"lora_alpha\":1}"), weights);
        MergedTensorSource merged = new MergedTensorSource(base, adapter);
        assertEquals("model.layers.0.self_attn.q_proj", merged.mergedTensors().get("layers.0.self_attn.q_proj.weight").module());
        assertArrayEquals(head1, merged.readDouble("score.weight"));
        assertClose(explicitMerge(q0, qb, qa, 4, 1, 4, 1.0), merged.readDouble("layers.0.self_attn.q_proj.weight"), 1e-6);
    }

    @Test
    void convLoraMergesOntoTheKernel() {
        Random rnd = new Random(6);
        int out = 3, in = 2, kh = 2, kw = 2, r = 2, cols = in * kh * kw;
        double[] k0 = random(rnd, out * cols), a = random(rnd, r * cols), b = random(rnd, out * r);
        TensorSource base = InMemoryTensorSource.builder("unet")
                .tensor("down.conv.weight", new long[] {out, in, kh, kw}, k0).build();
        TensorSource weights = InMemoryTensorSource.builder("adapter")
                .tensor("base_model.model.down.conv.lora_A.weight", new long[] {r, in, kh, kw}, a)
                .tensor("base_model.model.down.conv.lora_B.weight", new long[] {out, r, 1, 1}, b).build();
        PeftAdapter adapter = PeftAdapter.of(config("{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":4}"), weights);
        assertArrayEquals(new long[] {out, in, kh, kw}, adapter.module("down.conv").orElseThrow().weightShape());
        MergedTensorSource merged = new MergedTensorSource(base, adapter);
        assertClose(explicitMerge(k0, b, a, out, r, cols, 2.0), merged.readDouble("down.conv.weight"), 1e-6);
        assertArrayEquals(new long[] {out, in, kh, kw}, merged.require("down.conv.weight").shape());
    }

    @Test
    void mismatchedShapesNameTheModule() {
        TensorSource base = InMemoryTensorSource.builder("base.safetensors").matrix(Q + ".weight", 4, 6, new double[24]).build();
        TensorSource weights = InMemoryTensorSource.builder("adapter")
                .matrix("base_model.model." + Q + ".lora_A.weight", 2, 5, new double[10])
                .matrix("base_model.model." + Q + ".lora_B.weight", 4, 2, new double[8]).build();
        PeftAdapter adapter = PeftAdapter.of(config("{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":2}"), weights);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> new MergedTensorSource(base, adapter));
        assertEquals(CheckpointFormatException.Category.SIZE_MISMATCH, e.category());
        assertTrue(e.userMessage().contains("'" + Q + "' updates a 4×5 weight but base tensor '" + Q + ".weight' is 4×6"),
                e.userMessage());
    }

    @Test
    void inconsistentAdaptersAreRefusedWithTheModuleName() {
        PeftAdapterConfig cfg = config("{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":2}");
        CheckpointFormatException unpaired = assertThrows(CheckpointFormatException.class, () -> PeftAdapter.of(cfg,
                InMemoryTensorSource.builder("a").matrix(Q + ".lora_A.weight", 2, 4, new double[8]).build()));
        assertTrue(unpaired.userMessage().contains("'" + Q + "' has lora_A but no lora_B"), unpaired.userMessage());
        CheckpointFormatException rank = assertThrows(CheckpointFormatException.class, () -> PeftAdapter.of(cfg,
                InMemoryTensorSource.builder("a").matrix(Q + ".lora_A.weight", 3, 4, new double[12])
                        .matrix(Q + ".lora_B.weight", 4, 3, new double[12]).build()));
        assertTrue(rank.userMessage().contains("A has rank 3 but adapter_config.json says 2"), rank.userMessage());
        CheckpointFormatException dora = assertThrows(CheckpointFormatException.class, () -> PeftAdapter.of(cfg,
                InMemoryTensorSource.builder("a").matrix(Q + ".lora_A.weight", 2, 4, new double[8])
                        .matrix(Q + ".lora_B.weight", 4, 2, new double[8])
                        .tensor(Q + ".lora_magnitude_vector", new long[] {4}, new double[4]).build()));
        assertEquals(CheckpointFormatException.Category.UNSUPPORTED, dora.category());
        TensorSource base = InMemoryTensorSource.builder("base.safetensors").matrix("other.weight", 4, 4, new double[16]).build();
        PeftAdapter orphan = PeftAdapter.of(cfg, InMemoryTensorSource.builder("a")
                .matrix(Q + ".lora_A.weight", 2, 4, new double[8]).matrix(Q + ".lora_B.weight", 4, 2, new double[8]).build());
        CheckpointFormatException missing = assertThrows(CheckpointFormatException.class, () -> new MergedTensorSource(base, orphan));
        assertTrue(missing.userMessage().contains("'" + Q + "' matches no single weight in the base checkpoint base.safetensors"),
                missing.userMessage());
    }

    @Test
    void openRefusesFoldersWithoutConfigOrWeights() throws Exception {
        Path dir = Files.createTempDirectory("peft");
        try {
            CheckpointFormatException noConfig = assertThrows(CheckpointFormatException.class, () -> PeftAdapter.open(dir));
            assertTrue(noConfig.userMessage().contains("is not a PEFT adapter folder (no adapter_config.json)"));
            Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\":\"LORA\",\"r\":2,\"lora_alpha\":2}");
            CheckpointFormatException noWeights = assertThrows(CheckpointFormatException.class, () -> PeftAdapter.open(dir));
            assertTrue(noWeights.userMessage().contains("has no adapter_model.safetensors or adapter_model.bin"));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }
}
