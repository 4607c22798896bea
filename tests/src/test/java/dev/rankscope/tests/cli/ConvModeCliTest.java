package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code analyze --conv reshape|pooled} on a generated conv kernel (SPEC §7, the choice shown). */
class ConvModeCliTest {
    @TempDir
    Path tmp;

    private Path convNet() {
        Random rnd = new Random(1);
        double[] k = new double[16 * 8 * 3 * 3];
        for (int i = 0; i < k.length; i++) {
            k[i] = rnd.nextGaussian();
        }
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("features.0.conv.weight", DType.F32, new long[] {16, 8, 3, 3}, s -> s.put(k));
        Path file = tmp.resolve("cnn.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    @Test
    void reshapeByDefaultPooledOnRequest() throws IOException {
        Path model = convNet();
        CliRun reshaped = CliRun.of("analyze", model.toString(), "--no-cache");
        assertEquals(0, reshaped.exitCode(), reshaped.err());
        assertTrue(reshaped.out().contains("16x72"), reshaped.out());
        assertTrue(reshaped.err().contains("rankscope: conv kernels: reshaped to (out, in·kh·kw)"), reshaped.err());

        Path json = tmp.resolve("p.json");
        CliRun pooled = CliRun.of("analyze", model.toString(), "--no-cache", "--conv", "pooled", "--json", json.toString());
        assertEquals(0, pooled.exitCode(), pooled.err());
        assertTrue(pooled.out().contains("16x8 (9 pooled)"), pooled.out());
        assertTrue(pooled.out().contains("1 matrices, 1,152 parameters"), "all 16·8·9 weights counted:\n" + pooled.out());
        assertTrue(pooled.err().contains("pooled ESD of the kh·kw out×in slices"), pooled.err());
        JsonNode m = new ObjectMapper().readTree(json.toFile()).get("matrices").get(0);
        assertEquals("pooled", m.get("conv").asText());
        assertEquals(9, m.get("conv_slices").asInt());
        assertEquals(72, m.get("sigma").size(), "9 slices × min(16, 8) singular values");
        assertFalse(m.get("transposed").asBoolean());

        CliRun bad = CliRun.of("analyze", model.toString(), "--no-cache", "--conv", "slices");
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().contains("--conv must be reshape or pooled, not 'slices'"), bad.err());
        assertTrue(bad.noStackTrace());
    }
}
