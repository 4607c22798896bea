package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.io.ElementDecoder;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.GgmlTestQuantizer;
import dev.rankscope.engine.testing.GgufTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Dequantisation checked against blocks built element by element from known integer quants,
 * scales and mins ({@link GgmlTestQuantizer}'s packers follow the block layouts, not the
 * dequantisation loops). Scales d = 0.5 and dmin = 0.25 keep every expected value exact.
 */
class GgmlDequantTest {
    private static final float D = 0.5f;
    private static final float DMIN = 0.25f;

    @TempDir
    Path dir;

    private final Random rnd = new Random(42);

    private int[] ints(int n, int lo, int hiInclusive) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + rnd.nextInt(hiInclusive - lo + 1);
        }
        return v;
    }

    private static double[] decode(DType t, byte[] block) {
        double[] out = new double[t.elementsPerBlock()];
        ElementDecoder.decodeBlocks(t, ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN), 1, out, 0);
        return out;
    }

    @Test
    void q4_1() {
        int[] l = ints(32, 0, 15);
        double[] got = decode(DType.Q4_1, GgmlTestQuantizer.packQ4_1(D, -3f, l));
        for (int e = 0; e < 32; e++) {
            assertEquals(l[e] * 0.5 - 3, got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q5_0() {
        int[] l = ints(32, 0, 31);
        double[] got = decode(DType.Q5_0, GgmlTestQuantizer.packQ5_0(D, l));
        for (int e = 0; e < 32; e++) {
            assertEquals((l[e] - 16) * 0.5, got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q5_1() {
        int[] l = ints(32, 0, 31);
        double[] got = decode(DType.Q5_1, GgmlTestQuantizer.packQ5_1(D, 1.5f, l));
        for (int e = 0; e < 32; e++) {
            assertEquals(l[e] * 0.5 + 1.5, got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q2_K() {
        int[] sc = ints(16, 0, 15);
        int[] mn = ints(16, 0, 15);
        int[] l = ints(256, 0, 3);
        double[] got = decode(DType.Q2_K, GgmlTestQuantizer.packQ2_K(D, DMIN, sc, mn, l));
        for (int e = 0; e < 256; e++) {
            int g = e / 16;
            assertEquals(0.5 * sc[g] * l[e] - 0.25 * mn[g], got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q3_K() {
        int[] s = ints(16, -32, 31);
        int[] l = ints(256, 0, 7);
        double[] got = decode(DType.Q3_K, GgmlTestQuantizer.packQ3_K(D, s, l));
        for (int e = 0; e < 256; e++) {
            assertEquals(0.5 * s[e / 16] * (l[e] - 4), got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q4_K() {
        int[] sc = ints(8, 0, 63);
        int[] mn = ints(8, 0, 63);
        int[] l = ints(256, 0, 15);
        double[] got = decode(DType.Q4_K, GgmlTestQuantizer.packQ4_K(D, DMIN, sc, mn, l));
        for (int e = 0; e < 256; e++) {
            int g = e / 32;
            assertEquals(0.5 * sc[g] * l[e] - 0.25 * mn[g], got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q5_K() {
        int[] sc = ints(8, 0, 63);
        int[] mn = ints(8, 0, 63);
        int[] l = ints(256, 0, 31);
        double[] got = decode(DType.Q5_K, GgmlTestQuantizer.packQ5_K(D, DMIN, sc, mn, l));
        for (int e = 0; e < 256; e++) {
            int g = e / 32;
            assertEquals(0.5 * sc[g] * l[e] - 0.25 * mn[g], got[e], 0.0, "element " + e);
        }
    }

    @Test
    void q6_K() {
        int[] s = ints(16, -128, 127);
        int[] l = ints(256, 0, 63);
        double[] got = decode(DType.Q6_K, GgmlTestQuantizer.packQ6_K(D, s, l));
        for (int e = 0; e < 256; e++) {
            assertEquals(0.5 * s[e / 16] * (l[e] - 32), got[e], 0.0, "element " + e);
        }
    }

    @Test
    void kQuantTensorsReadThroughTheGgufSourceAcrossBlocks() throws Exception {
        // Two Q4_K blocks in one row of 512 and one Q6_K row: values must match the per-block decode.
        int[] l1 = ints(256, 0, 15);
        int[] l2 = ints(256, 0, 15);
        byte[] b1 = GgmlTestQuantizer.packQ4_K(D, DMIN, ints(8, 0, 63), ints(8, 0, 63), l1);
        byte[] b2 = GgmlTestQuantizer.packQ4_K(0.125f, DMIN, ints(8, 0, 63), ints(8, 0, 63), l2);
        byte[] both = new byte[288];
        System.arraycopy(b1, 0, both, 0, 144);
        System.arraycopy(b2, 0, both, 144, 144);
        byte[] q6 = GgmlTestQuantizer.packQ6_K(D, ints(16, -128, 127), ints(256, 0, 63));
        Path f = new GgufTestWriter(3, 32).tensor("k4", new long[] {1, 512}, DType.Q4_K, both)
                .tensor("k6", new long[] {256}, DType.Q6_K, q6).write(dir.resolve("k.gguf"));
        try (TensorSource s = Checkpoints.open(f)) {
            double[] all = s.readDouble("k4");
            double[] expected = new double[512];
            System.arraycopy(decode(DType.Q4_K, b1), 0, expected, 0, 256);
            System.arraycopy(decode(DType.Q4_K, b2), 0, expected, 256, 256);
            assertArrayEquals(expected, all, 0.0);
            double[] mid = new double[20];
            s.readElements("k4", 250, 20, mid, 0);
            for (int i = 0; i < 20; i++) {
                assertEquals(expected[250 + i], mid[i], 0.0);
            }
            assertArrayEquals(decode(DType.Q6_K, q6), s.readDouble("k6"), 0.0);
        }
    }
}
