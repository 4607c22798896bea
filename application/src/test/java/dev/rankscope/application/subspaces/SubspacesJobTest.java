package dev.rankscope.application.subspaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.subspace.Side;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubspacesJobTest {
    static final int HIDDEN = 32;
    static final int KV = 16;
    static final int PLANTED = 4;

    @TempDir
    Path tmp;

    /**
     * A 4-layer Llama-shaped checkpoint whose k_proj matrices share a planted 4-dimensional row
     * space (plus 1 % noise), and whose v_proj are independent Gaussian matrices.
     */
    static Path plantedCheckpoint(Path dir) {
        Random rnd = new Random(3);
        double[][] basis = new double[PLANTED][HIDDEN];
        for (double[] b : basis) {
            for (int j = 0; j < HIDDEN; j++) {
                b[j] = rnd.nextGaussian();
            }
        }
        SafetensorsWriter w = new SafetensorsWriter();
        for (int l = 0; l < 4; l++) {
            double[] k = new double[KV * HIDDEN];
            for (int i = 0; i < KV; i++) {
                double[] a = new double[PLANTED];
                for (int t = 0; t < PLANTED; t++) {
                    a[t] = rnd.nextGaussian() * (PLANTED - t);
                }
                for (int j = 0; j < HIDDEN; j++) {
                    double v = 0.01 * rnd.nextGaussian();
                    for (int t = 0; t < PLANTED; t++) {
                        v += a[t] * basis[t][j];
                    }
                    k[i * HIDDEN + j] = v;
                }
            }
            double[] v = new double[KV * HIDDEN];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextGaussian();
            }
            w.add("model.layers." + l + ".self_attn.k_proj.weight", DType.F32, new long[]{KV, HIDDEN}, s -> s.put(k, 0, k.length));
            w.add("model.layers." + l + ".self_attn.v_proj.weight", DType.F32, new long[]{KV, HIDDEN}, s -> s.put(v, 0, v.length));
        }
        Path file = dir.resolve("planted.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    private static SubspacesParameters params(Path ckpt, String module, Integer k, String groups) {
        return new SubspacesParameters(ckpt, module, k, SubspacesParameters.DEFAULT_ENERGY,
                SubspacesParameters.Sides.BOTH, SubspacesParameters.Grouping.parse(groups), 0.05, 4, Backends.Preference.AUTO);
    }

    @Test
    void plantedSharedRowSpaceIsFoundAcrossLayersAndSharingPays() throws Exception {
        Path ckpt = plantedCheckpoint(tmp);
        SubspacesResult r = new SubspacesJob().task(params(ckpt, "k_proj", 2 * PLANTED, "adjacent:2")).runHere();
        assertEquals(4, r.matrices().size());
        // every pair of layers: 6 pairs × 2 sides
        assertEquals(12, r.pairs().size());
        for (SubspacesResult.Pair p : r.pairs()) {
            if (p.side() == Side.RIGHT) {
                long near1 = java.util.Arrays.stream(p.cosines()).filter(c -> c > 0.99).count();
                assertEquals(PLANTED, near1, p.a() + " vs " + p.b());
            }
        }
        assertEquals(2, r.groups().size());
        for (SubspacesResult.Group g : r.groups()) {
            assertEquals(PLANTED, g.joint().sharedRank());
            assertTrue(g.joint().savedParams() > 0);
        }
        assertNotNull(r.suggestion());
        // all four layers share one basis: the suggestion groups all of them
        assertEquals(1, r.suggestion().groups().size());
        assertTrue(r.suggestion().params() < r.suggestion().aloneParams());

        JsonNode json = new ObjectMapper().readTree(SubspacesJson.toJson(r));
        assertEquals("rankscope-subspaces", json.get("format").asText());
        JsonNode pair = json.get("pairs").get(0);
        assertEquals("model.layers.0.self_attn.k_proj.weight", pair.get("a").asText());
        assertEquals(2 * PLANTED, pair.get("cosines").size());
        assertTrue(json.get("groups").get(0).has("saved_params"));
    }

    @Test
    void kvGroupsPairKWithVOfEachLayer() {
        Path ckpt = plantedCheckpoint(tmp);
        SubspacesResult r = new SubspacesJob().task(params(ckpt, null, 4, "kv")).runHere();
        assertEquals(8, r.pairs().size());
        assertEquals(4, r.groups().size());
        for (SubspacesResult.Pair p : r.pairs()) {
            assertTrue(p.a().contains("k_proj") && p.b().contains("v_proj"), p.a() + " " + p.b());
            assertTrue(p.overlap() < 0.9, "independent K and V should not share a subspace: " + p.overlap());
        }
    }

    @Test
    void expertsOfFusedTensorsAndOfNamedExpertsAreGroupedPerLayer() {
        Random rnd = new Random(8);
        SafetensorsWriter w = new SafetensorsWriter();
        double[] fused = new double[4 * 16 * 32];
        for (int i = 0; i < fused.length; i++) {
            fused[i] = rnd.nextGaussian();
        }
        w.add("model.layers.0.mlp.experts.gate_up_proj", DType.F32, new long[]{4, 16, 32}, s -> s.put(fused, 0, fused.length));
        for (int e = 0; e < 3; e++) {
            double[] x = new double[16 * 32];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextGaussian();
            }
            w.add("model.layers.1.block_sparse_moe.experts." + e + ".w1.weight", DType.F32, new long[]{16, 32},
                    s -> s.put(x, 0, x.length));
        }
        Path file = tmp.resolve("moe.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        SubspacesResult r = new SubspacesJob().task(new SubspacesParameters(file, "experts", 4, 0.9,
                SubspacesParameters.Sides.RIGHT, SubspacesParameters.Grouping.parse("experts"), 0.1, 4,
                Backends.Preference.AUTO)).runHere();
        assertEquals(7, r.matrices().size());
        assertEquals(6 + 3, r.pairs().size(), "pairs within each layer's experts only");
        assertEquals(2, r.groups().size());
        assertEquals(4, r.groups().get(0).joint().ids().size());
        assertEquals(3, r.groups().get(1).joint().ids().size());
        assertTrue(r.pairs().stream().noneMatch(p -> p.a().contains("layers.0") != p.b().contains("layers.0")));
    }

    @Test
    void badRequestsAreOneSentenceEach() {
        Path ckpt = plantedCheckpoint(tmp);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new SubspacesJob().task(params(ckpt, "k_proj", 17, "none")).runHere());
        assertTrue(big.getMessage().startsWith("k = 17 is larger than the rank of model.layers.0"), big.getMessage());
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> new SubspacesJob().task(params(ckpt, "layers\\.0\\.self_attn\\.k_proj", 2, "none")).runHere());
        assertTrue(one.getMessage().startsWith("1 matrix of planted.safetensors match"), one.getMessage());
        IllegalArgumentException experts = assertThrows(IllegalArgumentException.class,
                () -> new SubspacesJob().task(params(ckpt, "k_proj", 2, "experts")).runHere());
        assertTrue(experts.getMessage().startsWith("no experts"), experts.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SubspacesParameters.Grouping.parse("adjacent:1"));
    }
}
