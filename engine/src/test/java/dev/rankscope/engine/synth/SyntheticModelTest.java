package dev.rankscope.engine.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.io.ElementEncoder;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.testing.TestSvd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticModelTest {

    @TempDir
    Path dir;

    private static final ModelShape TINY = ModelShape.tiny();

    @Test
    void presetsHaveTheDocumentedShapes() {
        assertEquals(new ModelShape("tiny", 4, 128, 344, 4, 2, 512, false), ModelShape.preset("tiny"));
        ModelShape tl = ModelShape.preset("TinyLlama");
        assertEquals(List.of(22, 2048, 5632, 32, 4, 32000), List.of(tl.layers(), tl.hidden(), tl.intermediate(), tl.heads(), tl.kvHeads(), tl.vocab()));
        assertEquals(1_100_048_384L, tl.parameterCount());
        assertEquals(6_738_415_616L, ModelShape.llama7b().parameterCount());
        assertEquals(4 * 9 + 3, TINY.tensors().size());
        assertThrows(IllegalArgumentException.class, () -> ModelShape.preset("gpt-5"));
        assertThrows(IllegalArgumentException.class, () -> new ModelShape("x", 1, 130, 10, 4, 2, 10, false));
        ModelShape tied = new ModelShape("tied", 1, 8, 16, 2, 1, 10, true);
        assertFalse(tied.tensors().stream().anyMatch(t -> t.name().equals("lm_head.weight")));
    }

    @Test
    void writesLlamaNamedBf16TensorsThatMatchTheGeneratorExactly() throws Exception {
        Path out = dir.resolve("m");
        List<Path> files = SyntheticModel.write(out, SyntheticModel.Parameters.of(TINY, 5));
        assertEquals(List.of(out.resolve("model.safetensors"), out.resolve("config.json")), files);
        try (SafetensorsSource s = SafetensorsSource.open(out)) {
            assertEquals(TINY.tensors().stream().map(ModelShape.TensorSpec::name).toList(),
                    s.tensors().stream().map(TensorInfo::name).toList());
            TensorInfo k = s.require("model.layers.1.self_attn.k_proj.weight");
            assertArrayEquals(new long[] {64, 128}, k.shape());
            assertEquals(DType.BF16, k.dtype());
            assertArrayEquals(new long[] {128}, s.require("model.layers.3.post_attention_layernorm.weight").shape());
            assertArrayEquals(new long[] {128, 344}, s.require("model.layers.0.mlp.down_proj.weight").shape());
            for (String name : List.of("model.layers.2.mlp.up_proj.weight", "model.norm.weight")) {
                double[] exact = SyntheticModel.values(TINY, 5, name);
                double[] stored = s.readDouble(name);
                for (int i = 0; i < exact.length; i++) {
                    assertEquals(Float.intBitsToFloat(ElementEncoder.toBF16(exact[i]) << 16), stored[i], 0.0, name + "[" + i + "]");
                }
            }
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertEquals("LlamaForCausalLM", config.get("architectures").get(0).asText());
        assertEquals(128, config.get("hidden_size").asInt());
        assertEquals(344, config.get("intermediate_size").asInt());
        assertEquals(4, config.get("num_attention_heads").asInt());
        assertEquals(2, config.get("num_key_value_heads").asInt());
        assertEquals(4, config.get("num_hidden_layers").asInt());
        assertEquals(512, config.get("vocab_size").asInt());
        assertEquals("bfloat16", config.get("torch_dtype").asText());
    }

    @Test
    void tensorValuesDependOnSeedAndNameButNotOnSharding() throws Exception {
        String q = "model.layers.0.self_attn.q_proj.weight";
        assertArrayEquals(SyntheticModel.values(TINY, 1, q), SyntheticModel.values(TINY, 1, q));
        assertFalse(java.util.Arrays.equals(SyntheticModel.values(TINY, 1, q), SyntheticModel.values(TINY, 2, q)));
        Path single = dir.resolve("single");
        Path sharded = dir.resolve("sharded");
        SyntheticModel.write(single, new SyntheticModel.Parameters(TINY, 3, DType.F16, 1));
        List<Path> files = SyntheticModel.write(sharded, new SyntheticModel.Parameters(TINY, 3, DType.F16, 3));
        assertEquals(5, files.size());
        try (SafetensorsSource a = SafetensorsSource.open(single); SafetensorsSource b = SafetensorsSource.open(sharded)) {
            assertEquals("safetensors (sharded, 3 files)", b.format());
            assertEquals(a.tensors(), b.tensors());
            for (TensorInfo t : a.tensors()) {
                assertArrayEquals(a.readDouble(t.name()), b.readDouble(t.name()), t.name());
            }
        }
    }

    /** Energy-threshold rank r(τ) (SPEC §1), computed here independently of the analysis module. */
    private static int energyRank(double[] sigma, double tau) {
        double total = 0;
        for (double s : sigma) {
            total += s * s;
        }
        double cum = 0;
        for (int k = 0; k < sigma.length; k++) {
            cum += sigma[k] * sigma[k];
            if (cum / total >= tau) {
                return k + 1;
            }
        }
        return sigma.length;
    }

    @Test
    void tinyModelMatricesHaveDifferingSpectra() {
        Map<String, double[]> sigma = new HashMap<>();
        Map<String, Double> stable = new HashMap<>();
        for (ModelShape.TensorSpec t : TINY.tensors()) {
            if (t.isMatrix() && t.name().startsWith("model.layers.1.")) {
                int m = (int) t.shape()[0];
                int n = (int) t.shape()[1];
                TestSvd.Result r = TestSvd.svd(SyntheticModel.values(TINY, SampleCheckpoints.BASE_SEED, t.name()), m, n);
                String module = t.name().replaceAll(".*\\.(\\w+_proj)\\.weight", "$1");
                sigma.put(module, r.sigma());
                stable.put(module, r.stableRank());
            }
        }
        assertEquals(7, sigma.size());
        // k_proj is nearly low-rank: its stable rank is far below every other matrix's, and
        // 99 % of its energy lies in at most its planted rank (4) of 64 directions.
        for (String other : List.of("q_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")) {
            assertTrue(stable.get("k_proj") * 1.5 < stable.get(other), "k_proj " + stable.get("k_proj") + " vs " + other + " " + stable.get(other));
        }
        assertTrue(energyRank(sigma.get("k_proj"), 0.99) <= 4, "k_proj r(0.99) = " + energyRank(sigma.get("k_proj"), 0.99));
        // v_proj is a pure Marchenko-Pastur bulk (64×128, Q = 2): no outliers, σ_max/σ_min near (1+1/√2)/(1−1/√2) ≈ 5.8.
        double[] v = sigma.get("v_proj");
        assertTrue(stable.get("v_proj") > 15, "MP bulk has a high stable rank: " + stable.get("v_proj"));
        assertTrue(v[0] / v[v.length - 1] > 3.5 && v[0] / v[v.length - 1] < 9, "MP edge ratio " + v[0] / v[v.length - 1]);
        assertTrue(v[0] / v[3] < 1.3, "no spikes in v_proj");
        // o_proj has three planted spikes well above its bulk.
        double[] o = sigma.get("o_proj");
        assertTrue(o[2] / o[3] > 1.6, "three spikes: σ3/σ4 = " + o[2] / o[3]);
        // down_proj is heavy-tailed: a wide spread between the top and the median singular value.
        double[] d = sigma.get("down_proj");
        assertTrue(d[0] / d[d.length / 2] > 2 * (v[0] / v[v.length / 2]), "heavy tail vs MP");
    }

    @Test
    void parametersAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> new SyntheticModel.Parameters(TINY, 1, DType.I8, 1));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticModel.Parameters(TINY, 1, DType.BF16, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticModel.Parameters(TINY, 1, DType.BF16, 1000));
        assertTrue(Files.notExists(dir.resolve("nothing")));
    }
}
