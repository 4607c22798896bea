package dev.rankscope.engine.linalg;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Σ x·xᵀ in float64 against a direct double loop, and its streamed form (row-major little-endian F64). */
class GramSumTest {

    @Test
    void accumulatesAndStreamsTheFullSymmetricMatrix() throws Exception {
        int n = 37;
        int rows = 300;
        Random rnd = new Random(11);
        float[] x = new float[rows * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        double[] want = new double[n * n];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    want[i * n + j] += (double) x[r * n + i] * x[r * n + j];
                }
            }
        }
        try (GramSum g = new GramSum(n, 64)) {
            g.add(x, 0, 120);
            g.add(x, 120 * n, rows - 120);
            assertArrayEquals(want, g.toArray(), 1e-10);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            int[] chunks = {0};
            g.writeTo(b -> {
                chunks[0]++;
                byte[] a = new byte[b.remaining()];
                b.get(a);
                bytes.write(a);
            });
            double[] streamed = new double[n * n];
            ByteBuffer.wrap(bytes.toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(streamed);
            assertEquals(n * n * 8, bytes.size());
            assertArrayEquals(want, streamed, 1e-10, "row-major, both triangles");
            assertArrayEquals(want, g.toArray(), 1e-10, "toArray still right after the in-place mirror");
            assertThrows(IllegalStateException.class, () -> g.add(x, 0, 1), "no rows after writeTo");
        }
    }
}
