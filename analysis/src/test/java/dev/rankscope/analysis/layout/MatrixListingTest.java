package dev.rankscope.analysis.layout;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.config.ModelConfig;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fused-QKV split, GPT-2 Conv1D orientation and per-head views (SPEC §7). */
class MatrixListingTest {

    private static TensorInfo t(String name, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return new TensorInfo(name, DType.F32, shape, 4 * n);
    }

    private static Map<String, MatrixRef> byId(MatrixListing l) {
        return l.matrices().stream().collect(Collectors.toMap(MatrixRef::id, Function.identity()));
    }

    private static ModelConfig config(String json) {
        return ModelConfig.parse(json, "config.json");
    }

    private static int[] range(int from, int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static final String GPT2 = "{\"model_type\": \"gpt2\", \"n_embd\": 8, \"n_head\": 2, \"n_layer\": 1}";

    private static List<TensorInfo> gpt2Tensors() {
        return List.of(t("transformer.wte.weight", 50, 8), t("transformer.h.0.ln_1.weight", 8),
                t("transformer.h.0.attn.c_attn.weight", 8, 24), t("transformer.h.0.attn.c_proj.weight", 8, 8),
                t("transformer.h.0.mlp.c_fc.weight", 8, 32), t("transformer.h.0.mlp.c_proj.weight", 32, 8));
    }

    @Test
    void gpt2Conv1DIsTransposedAndCAttnSplitContiguously() {
        MatrixListing l = MatrixListing.of(gpt2Tensors(), config(GPT2), false, false);
        Map<String, MatrixRef> m = byId(l);
        MatrixRef fused = m.get("transformer.h.0.attn.c_attn.weight");
        assertTrue(fused.transposed());
        assertEquals("24×8", fused.shapeString(), "(out, in) after transposing the stored (in, out)");
        assertEquals("32×8", m.get("transformer.h.0.mlp.c_fc.weight").shapeString());
        assertEquals("8×32", m.get("transformer.h.0.mlp.c_proj.weight").shapeString());
        assertFalse(m.get("transformer.wte.weight").transposed(), "embeddings are nn.Embedding, not Conv1D");
        MatrixRef q = m.get("transformer.h.0.attn.c_attn.weight#q");
        MatrixRef k = m.get("transformer.h.0.attn.c_attn.weight#k");
        MatrixRef v = m.get("transformer.h.0.attn.c_attn.weight#v");
        assertArrayEquals(range(0, 8), q.selection().rows());
        assertArrayEquals(range(8, 8), k.selection().rows());
        assertArrayEquals(range(16, 8), v.selection().rows());
        assertTrue(q.transposed(), "parts keep the stored orientation");
        List<String> ids = l.matrices().stream().map(MatrixRef::id).toList();
        int at = ids.indexOf("transformer.h.0.attn.c_attn.weight");
        assertEquals(List.of("transformer.h.0.attn.c_attn.weight#q", "transformer.h.0.attn.c_attn.weight#k",
                "transformer.h.0.attn.c_attn.weight#v"), ids.subList(at + 1, at + 4), "parts right after the fused matrix");
        MatrixName name = NameParser.parse(k.id());
        assertEquals(ModuleType.K, name.module());
        assertEquals(0, name.layer());
        assertEquals(ModuleType.QKV, NameParser.parse(fused.id()).module(), "the fused matrix keeps its type");
        assertTrue(l.notes().isEmpty(), l.notes().toString());
    }

    @Test
    void gpt2WithoutConfigIsRecognisedByShapeButNotSplit() {
        MatrixListing l = MatrixListing.of(gpt2Tensors(), ModelConfig.none("no config.json next to model.safetensors"),
                false, false);
        Map<String, MatrixRef> m = byId(l);
        assertTrue(m.get("transformer.h.0.attn.c_attn.weight").transposed());
        assertFalse(m.containsKey("transformer.h.0.attn.c_attn.weight#q"));
        assertEquals(List.of("fused QKV listed whole: splitting into q/k/v needs head counts "
                + "(no config.json next to model.safetensors)"), l.notes());
        // Qwen-1 uses the same names with nn.Linear (out, in) weights: not transposed
        MatrixListing qwen = MatrixListing.of(List.of(t("transformer.h.0.attn.c_attn.weight", 24, 8)),
                ModelConfig.none("none"), false, false);
        assertFalse(qwen.matrices().get(0).transposed());
    }

    @Test
    void phi3QkvProjWithGqa() {
        // 4 heads, 2 kv heads, head dim 3: q 12 rows, k 6, v 6
        ModelConfig c = config("{\"model_type\": \"phi3\", \"hidden_size\": 12, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2}");
        MatrixListing l = MatrixListing.of(List.of(t("model.layers.2.self_attn.qkv_proj.weight", 24, 12),
                t("model.layers.2.self_attn.o_proj.weight", 12, 12)), c, false, false);
        Map<String, MatrixRef> m = byId(l);
        assertArrayEquals(range(0, 12), m.get("model.layers.2.self_attn.qkv_proj.weight#q").selection().rows());
        assertArrayEquals(range(12, 6), m.get("model.layers.2.self_attn.qkv_proj.weight#k").selection().rows());
        assertArrayEquals(range(18, 6), m.get("model.layers.2.self_attn.qkv_proj.weight#v").selection().rows());
        assertEquals("6×12", m.get("model.layers.2.self_attn.qkv_proj.weight#v").shapeString());
        assertEquals(2, NameParser.parse("model.layers.2.self_attn.qkv_proj.weight#v").layer());
    }

    @Test
    void falcon7bMultiQuery() {
        // 3 heads of 2, one shared k/v head: rows [q0 q1 q2 | k | v]
        ModelConfig c = config("{\"model_type\": \"falcon\", \"hidden_size\": 6, \"num_attention_heads\": 3,"
                + " \"multi_query\": true}");
        Map<String, MatrixRef> m = byId(MatrixListing.of(
                List.of(t("transformer.h.0.self_attention.query_key_value.weight", 10, 6)), c, false, false));
        assertArrayEquals(range(0, 6), m.get("transformer.h.0.self_attention.query_key_value.weight#q").selection().rows());
        assertArrayEquals(range(6, 2), m.get("transformer.h.0.self_attention.query_key_value.weight#k").selection().rows());
        assertArrayEquals(range(8, 2), m.get("transformer.h.0.self_attention.query_key_value.weight#v").selection().rows());
    }

    @Test
    void falcon40bGroupedLayout() {
        // 4 heads of 2 in 2 kv groups: per group [q q k v] = 8 rows
        ModelConfig c = config("{\"model_type\": \"falcon\", \"hidden_size\": 8, \"num_attention_heads\": 4,"
                + " \"num_kv_heads\": 2, \"new_decoder_architecture\": true}");
        Map<String, MatrixRef> m = byId(MatrixListing.of(
                List.of(t("transformer.h.0.self_attention.query_key_value.weight", 16, 8)), c, false, false));
        String id = "transformer.h.0.self_attention.query_key_value.weight";
        assertArrayEquals(new int[]{0, 1, 2, 3, 8, 9, 10, 11}, m.get(id + "#q").selection().rows());
        assertArrayEquals(new int[]{4, 5, 12, 13}, m.get(id + "#k").selection().rows());
        assertArrayEquals(new int[]{6, 7, 14, 15}, m.get(id + "#v").selection().rows());
    }

    @Test
    void neoxAndBloomInterleavePerHead() {
        // 2 heads of 3: per head [q k v] = 9 rows
        for (String type : List.of("gpt_neox", "bloom")) {
            ModelConfig c = config("{\"model_type\": \"" + type + "\", \"hidden_size\": 6, \"num_attention_heads\": 2}");
            String id = "gpt_neox.layers.1.attention.query_key_value.weight";
            Map<String, MatrixRef> m = byId(MatrixListing.of(List.of(t(id, 18, 6)), c, false, false));
            assertArrayEquals(new int[]{0, 1, 2, 9, 10, 11}, m.get(id + "#q").selection().rows(), type);
            assertArrayEquals(new int[]{3, 4, 5, 12, 13, 14}, m.get(id + "#k").selection().rows(), type);
            assertArrayEquals(new int[]{6, 7, 8, 15, 16, 17}, m.get(id + "#v").selection().rows(), type);
        }
    }

    @Test
    void unknownLayoutOrMismatchedRowsStayWholeWithANote() {
        ModelConfig odd = config("{\"model_type\": \"codegen\", \"n_embd\": 6, \"n_head\": 2}");
        MatrixListing l = MatrixListing.of(List.of(t("transformer.h.0.attn.qkv_proj.weight", 18, 6)), odd, false, false);
        assertEquals(1, l.matrices().size());
        assertEquals(List.of("fused QKV listed whole: the q/k/v row layout of model type 'codegen' is not known"), l.notes());
        ModelConfig phi3 = config("{\"model_type\": \"phi3\", \"hidden_size\": 6, \"num_attention_heads\": 2}");
        MatrixListing bad = MatrixListing.of(List.of(t("model.layers.0.self_attn.qkv_proj.weight", 20, 6),
                t("model.layers.1.self_attn.qkv_proj.weight", 20, 6)), phi3, false, false);
        assertEquals(2, bad.matrices().size());
        assertEquals(List.of("fused QKV listed whole: 20 rows ≠ (2 + 2·2)·3 from the head counts (2 matrices)"), bad.notes());
    }

    @Test
    void ggufAttnQkvIsContiguous() {
        ModelConfig c = ModelConfig.fromGguf(Map.of("general.architecture", "phi2", "phi2.embedding_length", "6",
                "phi2.attention.head_count", "2"));
        Map<String, MatrixRef> m = byId(MatrixListing.of(List.of(t("blk.0.attn_qkv.weight", 18, 6)), c, true, false));
        assertArrayEquals(range(6, 6), m.get("blk.0.attn_qkv.weight#k").selection().rows());
    }

    @Test
    void perHeadViewsOfSeparateAndSplitProjections() {
        ModelConfig llama = config("{\"model_type\": \"llama\", \"hidden_size\": 8, \"num_attention_heads\": 4,"
                + " \"num_key_value_heads\": 2}");
        List<TensorInfo> tensors = new ArrayList<>(List.of(t("model.layers.0.self_attn.q_proj.weight", 8, 8),
                t("model.layers.0.self_attn.k_proj.weight", 4, 8), t("model.layers.0.self_attn.o_proj.weight", 8, 8),
                t("model.layers.0.mlp.up_proj.weight", 16, 8)));
        Map<String, MatrixRef> m = byId(MatrixListing.of(tensors, llama, false, true));
        assertEquals(4 + 4 + 2 + 4, m.size(), "4 matrices, 4 q heads, 2 k heads, 4 o heads");
        assertArrayEquals(range(6, 2), m.get("model.layers.0.self_attn.q_proj.weight#head3").selection().rows());
        MatrixRef o1 = m.get("model.layers.0.self_attn.o_proj.weight#head1");
        assertEquals("8×2", o1.shapeString(), "o heads are column blocks");
        assertArrayEquals(range(2, 2), o1.selection().cols());
        assertEquals(ModuleType.O, NameParser.parse(o1.id()).module());
        assertEquals(ModuleType.K, NameParser.parse("model.layers.0.self_attn.k_proj.weight#head1").module());

        ModelConfig neox = config("{\"model_type\": \"gpt_neox\", \"hidden_size\": 6, \"num_attention_heads\": 2}");
        String id = "gpt_neox.layers.1.attention.query_key_value.weight";
        Map<String, MatrixRef> n = byId(MatrixListing.of(List.of(t(id, 18, 6)), neox, false, true));
        assertArrayEquals(new int[]{12, 13, 14}, n.get(id + "#k#head1").selection().rows(),
                "head 1 of the k part: rows 3..5 of head 1's [q k v] block");
        assertEquals(ModuleType.K, NameParser.parse(id + "#k#head1").module());
        assertEquals(1 + 3 + 6, n.size());
    }

    @Test
    void convKernelsReshapedByDefaultPooledOnRequest() {
        List<TensorInfo> tensors = List.of(t("conv1.weight", 16, 8, 3, 3), t("proj.weight", 16, 8, 1, 1));
        Map<String, MatrixRef> reshaped = byId(MatrixListing.of(tensors, ModelConfig.none("x"), false, false));
        assertEquals("16×72", reshaped.get("conv1.weight").shapeString());
        assertFalse(reshaped.get("conv1.weight").isPooled());
        Map<String, MatrixRef> pooled = byId(MatrixListing.of(tensors, ModelConfig.none("x"), false, false, ConvMode.POOLED));
        MatrixRef c = pooled.get("conv1.weight");
        assertTrue(c.isPooled());
        assertEquals("16×8", c.shapeString());
        assertEquals(72, c.sigmaCount());
        assertFalse(reshaped.get("proj.weight").isPooled());
        MatrixRef pointwise = pooled.get("proj.weight");
        assertTrue(pointwise.isPooled(), "pooled like WeightWatcher, which treats a 1×1 kernel as conv2d too");
        assertEquals(1, pointwise.selection().poolSlices());
        assertEquals(8, pointwise.sigmaCount());
        assertEquals(ConvMode.POOLED, ConvMode.parse(" Pooled "));
    }

    @Test
    void perHeadWithoutHeadCountsSaysSo() {
        MatrixListing l = MatrixListing.of(List.of(t("model.layers.0.self_attn.q_proj.weight", 8, 8)),
                ModelConfig.none("no config.json next to model.safetensors"), false, true);
        assertEquals(1, l.matrices().size());
        assertEquals(List.of("per-head views need attention head counts (no config.json next to model.safetensors)"),
                l.notes());
    }
}
