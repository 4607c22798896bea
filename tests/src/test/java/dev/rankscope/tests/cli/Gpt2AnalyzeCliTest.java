package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope analyze} on a generated GPT-2-shaped checkpoint (d = 8, 2 heads of 4, one
 * block): Conv1D weights read as (out, in), c_attn split into q/k/v by config.json (SPEC §7).
 */
class Gpt2AnalyzeCliTest {
    private static final int D = 8;
    private static final String C_ATTN = "transformer.h.0.attn.c_attn.weight";
    private static final String C_PROJ = "transformer.h.0.attn.c_proj.weight";

    @TempDir
    Path tmp;

    /** Stored (in, out) Conv1D matrices, C order, filled from a fixed seed. */
    private final Map<String, double[]> stored = new HashMap<>();

    private Path gpt2(boolean withConfig) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(withConfig ? "gpt2" : "gpt2-bare"));
        Random rnd = new Random(7);
        SafetensorsWriter w = new SafetensorsWriter();
        add(w, rnd, "transformer.wte.weight", 20, D);
        add(w, rnd, "transformer.h.0.ln_1.weight", D);
        add(w, rnd, C_ATTN, D, 3 * D);
        add(w, rnd, C_PROJ, D, D);
        add(w, rnd, "transformer.h.0.mlp.c_fc.weight", D, 4 * D);
        add(w, rnd, "transformer.h.0.mlp.c_proj.weight", 4 * D, D);
        w.write(dir.resolve("model.safetensors"), AtomicFileWriter.unprotected());
        if (withConfig) {
            Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"architectures\": [\"GPT2LMHeadModel\"],"
                    + " \"n_embd\": 8, \"n_head\": 2, \"n_layer\": 1, \"vocab_size\": 20}");
        }
        return dir.resolve("model.safetensors");
    }

    private void add(SafetensorsWriter w, Random rnd, String name, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        stored.put(name, v);
        w.add(name, DType.F32, shape, sink -> sink.put(v));
    }

    /** σ of rows [from, from+count) of Sᵀ for S stored (in, out), computed directly. */
    private double[] sigmaOfOutRows(String name, int in, int out, int from, int count) {
        double[] s = stored.get(name);
        double[] block = new double[count * in];
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < in; j++) {
                block[i * in + j] = s[j * out + from + i];
            }
        }
        return new NativeBackend(NativeBackend.GramPolicy.NEVER).gesddValues(new Matrix(count, in, block)).sigma();
    }

    @Test
    void splitsCAttnIntoQkvRowsAndShowsOutInShapes() throws IOException {
        Path model = gpt2(true);
        Path json = tmp.resolve("a.json");
        CliRun run = CliRun.of("analyze", model.toString(), "--no-cache", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("rankscope: model: gpt2, d=8, 2 heads (kv 2) × 4, 1 layers (config.json)"), run.err());
        String table = run.out();
        for (String part : List.of("q", "k", "v")) {
            assertTrue(table.lines().anyMatch(l -> l.startsWith(C_ATTN + "#" + part + " ") && l.contains(" " + part + " ")
                    && l.contains("8x8")), "row for #" + part + " with type " + part + " and shape 8x8:\n" + table);
        }
        assertTrue(table.lines().anyMatch(l -> l.startsWith(C_ATTN + " ") && l.contains("qkv") && l.contains("24x8")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("transformer.h.0.mlp.c_fc.weight ") && l.contains("32x8")), table);
        assertTrue(table.contains("total: 8 matrices, " + String.format("%,d", 20 * 8 + 24 * 8 + 64 + 32 * 8 * 2)
                + " parameters"), "parts are not counted twice:\n" + table);

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        root.get("matrices").forEach(m -> byName.put(m.get("name").asText(), m));
        JsonNode k = byName.get(C_ATTN + "#k");
        assertEquals("k", k.get("module").asText());
        assertEquals(0, k.get("layer").asInt());
        assertEquals(C_ATTN, k.get("tensor").asText());
        assertTrue(k.get("transposed").asBoolean());
        assertEquals("k", k.get("part").asText());
        assertFalse(byName.get(C_ATTN).has("part"), "the fused matrix is whole");
        double[] expected = sigmaOfOutRows(C_ATTN, D, 3 * D, D, D);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], k.get("sigma").get(i).asDouble(), 1e-9 * expected[0], "σ[" + i + "] of the k rows");
        }
        assertFalse(byName.get("transformer.wte.weight").get("transposed").asBoolean());
    }

    @Test
    void perHeadAddsRowAndColumnBlocks() throws IOException {
        CliRun run = CliRun.of("analyze", gpt2(true).toString(), "--no-cache", "--quiet", "--per-head",
                "--filter", "attn");
        assertEquals(0, run.exitCode(), run.err());
        String table = run.out();
        assertTrue(table.lines().anyMatch(l -> l.startsWith(C_ATTN + "#q#head1 ") && l.contains("4x8")), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith(C_PROJ + "#head0 ") && l.contains(" o ") && l.contains("8x4")), table);
        assertTrue(table.contains("total: 13 matrices, 256 parameters"), "c_attn + 3 parts + 2·3 heads + c_proj + 2 heads:\n" + table);
    }

    @Test
    void withoutConfigTheFusedMatrixStaysWholeWithANote() throws IOException {
        CliRun run = CliRun.of("analyze", gpt2(false).toString(), "--no-cache");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.out().contains("#q"), run.out());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith(C_ATTN + " ") && l.contains("24x8")),
                "GPT-2 recognised by its c_attn shape: still (out, in)\n" + run.out());
        assertTrue(run.err().contains("rankscope: note: fused QKV listed whole: splitting into q/k/v needs head counts "
                + "(no config.json next to model.safetensors)"), run.err());
        CliRun perHead = CliRun.of("analyze", gpt2(false).toString(), "--no-cache", "--quiet", "--per-head");
        assertEquals(0, perHead.exitCode(), perHead.err());
        assertEquals(1, perHead.err().lines().filter(l -> l.contains("per-head views need attention head counts")).count(),
                perHead.err());
    }
}
