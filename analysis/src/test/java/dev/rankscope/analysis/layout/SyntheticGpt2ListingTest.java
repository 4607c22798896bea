package dev.rankscope.analysis.layout;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.synth.SyntheticGpt2;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope generate --model gpt2-tiny} ({@link SyntheticGpt2}) as the listing sees it
 * (SPEC §7): Conv1D weights stored (in, out) are listed (out, in), the fused c_attn is followed
 * by its q/k/v parts split by config.json's head count, and each part carries the spectrum its
 * recipe promises (k low rank, v a Marchenko–Pastur bulk). Deterministic per seed.
 */
class SyntheticGpt2ListingTest {
    @TempDir
    Path tmp;

    @Test
    void conv1DLayoutFusedPartsAndTheirSpectra() throws Exception {
        SyntheticGpt2.Shape shape = SyntheticGpt2.GPT2_TINY;
        int d = shape.hidden();
        Path dir = tmp.resolve("gpt2");
        List<Path> files = SyntheticGpt2.write(dir, shape, 7, DType.F32);
        assertEquals(List.of(dir.resolve("model.safetensors"), dir.resolve("config.json")), files);
        try (TensorSource source = Checkpoints.open(dir)) {
            assertArrayEquals(new long[] {d, 3L * d}, source.require("transformer.h.0.attn.c_attn.weight").shape(),
                    "stored (in, out) as Conv1D");
            assertArrayEquals(new long[] {4L * d, d}, source.require("transformer.h.1.mlp.c_proj.weight").shape());
            MatrixListing listing = MatrixListing.of(source, false);
            Map<String, MatrixRef> byId = new LinkedHashMap<>();
            listing.matrices().forEach(r -> byId.put(r.id(), r));
            assertEquals(3 * d + "×" + d, byId.get("transformer.h.0.attn.c_attn.weight").shapeString(), "(out, in)");
            assertEquals(4 * d + "×" + d, byId.get("transformer.h.0.mlp.c_fc.weight").shapeString());
            SvdBackend svd = new OjAlgoBackend();
            double kStable = stableRank(svd, MatrixReader.read(source, byId.get("transformer.h.0.attn.c_attn.weight#k")));
            double vStable = stableRank(svd, MatrixReader.read(source, byId.get("transformer.h.0.attn.c_attn.weight#v")));
            assertEquals(d + "×" + d, byId.get("transformer.h.0.attn.c_attn.weight#k").shapeString());
            assertTrue(kStable < 0.5 * vStable, "k is low rank, v a bulk: stable ranks " + kStable + " vs " + vStable);
        }
        Path again = tmp.resolve("again");
        SyntheticGpt2.write(again, shape, 7, DType.F32);
        assertTrue(Arrays.equals(Files.readAllBytes(dir.resolve("model.safetensors")),
                Files.readAllBytes(again.resolve("model.safetensors"))), "the same seed gives the same bytes");
        assertTrue(Files.readString(dir.resolve("config.json")).contains("\"n_head\" : 4"));
    }

    /** Σσ²/σ₁². */
    private static double stableRank(SvdBackend svd, Matrix m) {
        double[] s = svd.singularValues(m, SvdBackend.Tolerance.DEFAULT).sigma();
        double sum = 0;
        for (double x : s) {
            sum += x * x;
        }
        return sum / (s[0] * s[0]);
    }
}
