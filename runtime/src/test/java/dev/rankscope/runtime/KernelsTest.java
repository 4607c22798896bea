package dev.rankscope.runtime;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernels against direct float64 formulas: attention (GQA, causal, sliding window, query-row
 * blocks) against a per-head loop, and erf against known values.
 */
class KernelsTest {

    @ParameterizedTest(name = "causal={0} window={1} block={2}")
    @CsvSource({"true, -1, 4194304", "true, -1, 37", "false, -1, 37", "true, 5, 4194304", "true, 5, 50"})
    void attentionMatchesAFloat64Loop(boolean causal, int window, int block) {
        int heads = 4;
        int kvHeads = 2;
        int d = 6;
        int[] lengths = {13, 7};
        Random rnd = new Random(3);
        Batch batch = new Batch(List.of(new int[lengths[0]], new int[lengths[1]]), 10);
        int t = batch.tokens();
        FloatMatrix q = random(rnd, t, heads * d);
        FloatMatrix k = random(rnd, t, kvHeads * d);
        FloatMatrix v = random(rnd, t, kvHeads * d);
        FloatMatrix got = Kernels.attention(q, k, v, batch, heads, kvHeads, d, causal, window, block);
        for (int s = 0; s < 2; s++) {
            int start = batch.starts[s];
            int len = batch.lengths[s];
            for (int h = 0; h < heads; h++) {
                int g = h / (heads / kvHeads);
                for (int i = 0; i < len; i++) {
                    double[] w = new double[len];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < len; j++) {
                        boolean allowed = (!causal || j <= i) && (window <= 0 || i - j < window);
                        if (!allowed) {
                            w[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) q.get(start + i, h * d + c) * k.get(start + j, g * d + c);
                        }
                        w[j] = dot / Math.sqrt(d);
                        max = Math.max(max, w[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < len; j++) {
                        w[j] = Math.exp(w[j] - max);
                        sum += w[j];
                    }
                    for (int c = 0; c < d; c++) {
                        double o = 0;
                        for (int j = 0; j < len; j++) {
                            o += w[j] / sum * v.get(start + j, g * d + c);
                        }
                        assertEquals(o, got.get(start + i, h * d + c), 1e-5, "seq " + s + " head " + h + " pos " + i);
                    }
                }
            }
        }
    }

    @Test
    void erfMatchesTabulatedValues() {
        assertEquals(0.0, Kernels.erf(0), 0);
        assertEquals(0.5204998778130465, Kernels.erf(0.5), 1e-15);
        assertEquals(0.8427007929497149, Kernels.erf(1), 1e-15);
        assertEquals(-0.9953222650189527, Kernels.erf(-2), 1e-15);
        assertEquals(0.9999779095030014, Kernels.erf(3), 1e-15);
        assertEquals(0.9999999845827421, Kernels.erf(4), 1e-15);
        assertEquals(1.0, Kernels.erf(7), 0);
        assertTrue(Kernels.geluErf(-10) <= 0 && Kernels.geluErf(-10) > -1e-20);
    }

    private static FloatMatrix random(Random rnd, int rows, int cols) {
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return new FloatMatrix(rows, cols, x);
    }
}
