package dev.rankscope.engine.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.io.CheckpointWriteException;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.testing.TestSvd;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleCheckpointsTest {

    @TempDir
    static Path dir;
    static SampleCheckpoints.Samples samples;

    @BeforeAll
    static void writeSamples() {
        samples = SampleCheckpoints.writeAll(dir.resolve("a"));
    }

    private static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void writesTheFourFoldersInAFewMegabytes() throws IOException {
        Path root = dir.resolve("a");
        assertEquals(java.util.Set.of(
                Path.of("tiny-llama/config.json"), Path.of("tiny-llama/model.safetensors"),
                Path.of("tiny-llama-finetuned/config.json"), Path.of("tiny-llama-finetuned/model.safetensors"),
                Path.of("tiny-llama-lora/adapter_config.json"), Path.of("tiny-llama-lora/adapter_model.safetensors"),
                Path.of("tiny-llama-sharded/config.json"), Path.of("tiny-llama-sharded/model-00001-of-00002.safetensors"),
                Path.of("tiny-llama-sharded/model-00002-of-00002.safetensors"),
                Path.of("tiny-llama-sharded/model.safetensors.index.json")), java.util.Set.copyOf(files(root)));
        long total = 0;
        for (Path p : files(root)) {
            total += Files.size(root.resolve(p));
        }
        assertTrue(total > 2_000_000 && total < 10_000_000, "total " + total);
    }

    @Test
    void runningTwiceGivesByteIdenticalFiles() throws IOException {
        Path other = dir.resolve("b");
        SampleCheckpoints.main(new String[] {other.toString()});
        Path root = dir.resolve("a");
        assertEquals(files(root), files(other));
        for (Path p : files(root)) {
            assertArrayEquals(Files.readAllBytes(root.resolve(p)), Files.readAllBytes(other.resolve(p)), p.toString());
        }
    }

    @Test
    void shardedSampleHoldsTheSameWeights() {
        try (SafetensorsSource a = SafetensorsSource.open(samples.base()); SafetensorsSource b = SafetensorsSource.open(samples.sharded())) {
            assertEquals("safetensors (sharded, 2 files)", b.format());
            assertEquals(a.tensors(), b.tensors());
            for (TensorInfo t : a.tensors()) {
                assertArrayEquals(a.readDouble(t.name()), b.readDouble(t.name()), t.name());
            }
        }
    }

    @Test
    void loraAdapterFollowsPeftLayout() throws IOException {
        JsonNode c = new ObjectMapper().readTree(samples.lora().resolve("adapter_config.json").toFile());
        assertEquals("LORA", c.get("peft_type").asText());
        assertEquals(8, c.get("r").asInt());
        assertEquals(16, c.get("lora_alpha").asInt());
        assertEquals("CAUSAL_LM", c.get("task_type").asText());
        assertEquals("none", c.get("bias").asText());
        assertEquals("../tiny-llama", c.get("base_model_name_or_path").asText());
        assertEquals(List.of("q_proj", "v_proj"), List.of(c.get("target_modules").get(0).asText(), c.get("target_modules").get(1).asText()));
        try (SafetensorsSource s = SafetensorsSource.open(samples.lora())) {
            assertEquals(16, s.tensors().size());
            TensorInfo a = s.require("base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight");
            TensorInfo b = s.require("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight");
            assertEquals(DType.F32, a.dtype());
            assertArrayEquals(new long[] {8, 128}, a.shape());
            assertArrayEquals(new long[] {64, 8}, b.shape());
        }
        assertEquals("model.layers.1.self_attn.q_proj", samples.adapter().plantedModule());
    }

    /** W_t = W₀ + (α/r)·B·A for one module, row-major. */
    private static double[] merged(SafetensorsSource base, SafetensorsSource lora, String module, int m, int n) {
        double[] w = base.readDouble(module + ".weight");
        double[] a = lora.readDouble("base_model.model." + module + ".lora_A.weight");
        double[] b = lora.readDouble("base_model.model." + module + ".lora_B.weight");
        int r = SampleCheckpoints.LORA_RANK;
        double scaling = (double) SampleCheckpoints.LORA_ALPHA / r;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int l = 0; l < r; l++) {
                    s += b[i * r + l] * a[l * n + j];
                }
                w[i * n + j] += scaling * s;
            }
        }
        return w;
    }

    /** c_1 of SPEC §3: the largest |cosine| between W_t's top left singular vector and any of W₀'s. */
    private static double topCosine(TestSvd.Result base, TestSvd.Result tuned) {
        double best = 0;
        for (double[] u0 : base.u()) {
            double dot = 0;
            for (int i = 0; i < u0.length; i++) {
                dot += u0[i] * tuned.u()[0][i];
            }
            best = Math.max(best, Math.abs(dot));
        }
        return best;
    }

    @Test
    void plantedModuleGetsAnIntruderDimensionAndOthersDoNot() {
        try (SafetensorsSource base = SafetensorsSource.open(samples.base()); SafetensorsSource lora = SafetensorsSource.open(samples.lora())) {
            List<Double> cosines = new ArrayList<>();
            for (String module : List.of("model.layers.1.self_attn.q_proj", "model.layers.0.self_attn.q_proj",
                    "model.layers.2.self_attn.q_proj")) {
                TestSvd.Result b = TestSvd.svd(base.readDouble(module + ".weight"), 128, 128);
                TestSvd.Result t = TestSvd.svd(merged(base, lora, module, 128, 128), 128, 128);
                cosines.add(topCosine(b, t));
                if (module.equals(samples.adapter().plantedModule())) {
                    assertTrue(t.sigma()[0] > 2 * b.sigma()[0], "intruder norm above σ₁: " + t.sigma()[0] + " vs " + b.sigma()[0]);
                    assertEquals(b.sigma()[0], samples.adapter().baseSigma1(), 0.02 * b.sigma()[0]);
                }
            }
            assertTrue(cosines.get(0) < 0.5, "planted top direction is new: c1 = " + cosines.get(0));
            assertTrue(cosines.get(1) > 0.9 && cosines.get(2) > 0.9, "ordinary updates keep the top direction: " + cosines);
        }
    }

    @Test
    void fullFinetuneIsASmallDensePerturbation() {
        try (SafetensorsSource base = SafetensorsSource.open(samples.base()); SafetensorsSource ft = SafetensorsSource.open(samples.finetuned())) {
            assertEquals(base.tensors(), ft.tensors());
            for (TensorInfo t : base.tensors()) {
                double[] w0 = base.readDouble(t.name());
                double[] w1 = ft.readDouble(t.name());
                double diff = 0;
                double norm = 0;
                int changed = 0;
                for (int i = 0; i < w0.length; i++) {
                    diff += (w1[i] - w0[i]) * (w1[i] - w0[i]);
                    norm += w0[i] * w0[i];
                    changed += w1[i] != w0[i] ? 1 : 0;
                }
                double rel = Math.sqrt(diff / norm);
                assertTrue(rel > 0.01 && rel < 0.04, t.name() + " relative change " + rel);
                assertTrue(changed > 0.8 * w0.length, t.name() + " dense: " + changed + " of " + w0.length);
            }
        }
        assertTrue(Files.isRegularFile(samples.finetuned().resolve("config.json")));
    }

    @Test
    void derivedModelsNeverOverwriteTheBase() {
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                () -> SyntheticFinetunes.writeFullFinetune(samples.base(), samples.base(), 1));
        assertEquals(CheckpointWriteException.Reason.REFUSED, e.reason());
        try (SafetensorsSource s = SafetensorsSource.open(samples.base())) {
            assertEquals(TinyCount.TENSORS, s.tensors().size());
        }
    }

    private static final class TinyCount {
        static final int TENSORS = ModelShape.tiny().tensors().size();
    }
}
