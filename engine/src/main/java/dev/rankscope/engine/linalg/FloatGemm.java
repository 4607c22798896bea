package dev.rankscope.engine.linalg;

import org.bytedeco.openblas.global.openblas;

/**
 * Single-precision matrix multiply {@code C = α·op(A)·op(B) + β·C} on row-major float arrays:
 * the native OpenBLAS {@code cblas_sgemm} when the library loads ({@link NativeLibrary}), else a
 * blocked pure-Java loop with the same contract (float32 products, float32 accumulation). Used by
 * the model runtime for every matmul of a forward pass (SPEC §8).
 *
 * <p>Shapes: {@code op(A)} is m×k, {@code op(B)} is k×n, {@code C} is m×n; {@code op(X) = Xᵀ}
 * when the matching {@code trans} flag is set. Leading dimensions are row strides of the arrays
 * as stored (e.g. {@code lda ≥ k} when A is not transposed, {@code ≥ m} when it is). Arrays start
 * at element 0. Only {@code c} is written. Thread-safe (no shared state); the native library's
 * own thread count ({@link NativeLibrary#setThreads}) decides how many cores one call uses.
 */
public final class FloatGemm {

    private static final int BLOCK = 64;

    private FloatGemm() {
    }

    /** True when calls go to native OpenBLAS (false: the pure-Java fallback). */
    public static boolean isNative() {
        return NativeLibrary.isAvailable();
    }

    /** {@code C = α·op(A)·op(B) + β·C}; native when available, else {@link #multiplyJava}. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
        check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        if (isNative()) {
            openblas.cblas_sgemm(openblas.CblasRowMajor, transA ? openblas.CblasTrans : openblas.CblasNoTrans,
                    transB ? openblas.CblasTrans : openblas.CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        } else {
            multiplyJava(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /** The pure-Java path of {@link #multiply}, public so tests can compare both paths. */
    public static void multiplyJava(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                    float[] a, int lda, float[] b, int ldb, float beta, float[] c, int ldc) {
        check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        for (int i = 0; i < m; i++) {
            int row = i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
        // B as k×n row-major (transposed once per call when needed) so the inner loop is contiguous.
        float[] bk = b;
        int ldbk = ldb;
        if (transB) {
            bk = new float[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bk[p * n + j] = b[j * ldb + p];
                }
            }
            ldbk = n;
        }
        for (int p0 = 0; p0 < k; p0 += BLOCK) {
            int p1 = Math.min(k, p0 + BLOCK);
            for (int i = 0; i < m; i++) {
                int row = i * ldc;
                for (int p = p0; p < p1; p++) {
                    float av = alpha * (transA ? a[p * lda + i] : a[i * lda + p]);
                    if (av == 0f) {
                        continue;
                    }
                    int brow = p * ldbk;
                    for (int j = 0; j < n; j++) {
                        c[row + j] += av * bk[brow + j];
                    }
                }
            }
        }
    }

    private static void check(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda,
                              float[] b, int ldb, float[] c, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("negative gemm size " + m + "×" + n + "×" + k);
        }
        int aRows = transA ? k : m;
        int aCols = transA ? m : k;
        int bRows = transB ? n : k;
        int bCols = transB ? k : n;
        need("A", a, aRows, aCols, lda);
        need("B", b, bRows, bCols, ldb);
        need("C", c, m, n, ldc);
    }

    private static void need(String what, float[] x, int rows, int cols, int ld) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols || (long) (rows - 1) * ld + cols > x.length) {
            throw new IllegalArgumentException(what + " of " + rows + "×" + cols + " with leading dimension " + ld
                    + " does not fit in " + x.length + " elements");
        }
    }
}
