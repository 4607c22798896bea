package dev.rankscope.engine.linalg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FloatGemm}: the native sgemm and the pure-Java fallback both equal a float64 triple loop
 * for every transpose combination, padded leading dimensions, and α/β.
 */
class FloatGemmTest {

    @ParameterizedTest(name = "transA={0} transB={1}")
    @CsvSource({"false, false", "false, true", "true, false", "true, true"})
    void nativeAndJavaMatchAFloat64Loop(boolean transA, boolean transB) {
        int m = 37;
        int n = 29;
        int k = 71;
        int pad = 3;
        Random rnd = new Random(42);
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        int lda = aCols + pad;
        int ldb = bCols + pad;
        int ldc = n + pad;
        float[] a = random(rnd, aRows * lda);
        float[] b = random(rnd, bRows * ldb);
        float[] c0 = random(rnd, m * ldc);
        float alpha = 0.75f;
        float beta = -0.5f;
        double[] want = new double[m * ldc];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double av = transA ? a[p * lda + i] : a[i * lda + p];
                    double bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    s += av * bv;
                }
                want[i * ldc + j] = alpha * s + beta * c0[i * ldc + j];
            }
        }
        float[] cj = c0.clone();
        FloatGemm.multiplyJava(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, cj, ldc);
        assertClose(want, cj, m, n, ldc, c0, "java");
        assertTrue(NativeLibrary.isAvailable(), "native OpenBLAS expected in the test environment");
        float[] cn = c0.clone();
        FloatGemm.multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, cn, ldc);
        assertClose(want, cn, m, n, ldc, c0, "native");
    }

    @Test
    void refusesArraysTooSmallForTheirShape() {
        float[] a = new float[6];
        float[] b = new float[6];
        float[] c = new float[3];
        assertThrows(IllegalArgumentException.class,
                () -> FloatGemm.multiply(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2));
    }

    private static void assertClose(double[] want, float[] got, int m, int n, int ldc, float[] c0, String what) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int idx = i * ldc + j;
                if (j >= n) {
                    assertTrue(got[idx] == c0[idx], what + ": padding column changed at " + idx);
                } else {
                    assertTrue(Math.abs(want[idx] - got[idx]) <= 1e-4 * (1 + Math.abs(want[idx])),
                            what + ": C[" + i + "," + j + "] = " + got[idx] + ", want " + want[idx]);
                }
            }
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
