package dev.rankscope.runtime;

import dev.rankscope.engine.linalg.FloatGemm;

/**
 * Element-wise and row-wise kernels of the forward pass (SPEC §8): norms with float64 sums,
 * activations, rotary embeddings and multi-head attention. Activations are float32, row-major,
 * one row per token; functions overwrite their first argument unless they return a new matrix.
 */
final class Kernels {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    /** Largest attention score block (floats, 16 MB): long sequences are processed in query-row blocks. */
    static final int SCORE_BLOCK_FLOATS = 1 << 22;

    private Kernels() {
    }

    /** {@code x / sqrt(mean(x²) + eps) ⊙ w}, row by row, into a new matrix. */
    static FloatMatrix rmsNorm(FloatMatrix x, float[] w, double eps) {
        int n = x.cols();
        float[] in = x.data();
        float[] out = new float[x.rows() * n];
        for (int r = 0; r < x.rows(); r++) {
            int off = r * n;
            double ss = 0;
            for (int j = 0; j < n; j++) {
                ss += (double) in[off + j] * in[off + j];
            }
            float inv = (float) (1 / Math.sqrt(ss / n + eps));
            for (int j = 0; j < n; j++) {
                out[off + j] = w[j] * (in[off + j] * inv);
            }
        }
        return new FloatMatrix(x.rows(), n, out);
    }

    /** {@code (x − mean) / sqrt(var + eps) ⊙ w + b} (biased variance), row by row, into a new matrix. */
    static FloatMatrix layerNorm(FloatMatrix x, float[] w, float[] b, double eps) {
        int n = x.cols();
        float[] in = x.data();
        float[] out = new float[x.rows() * n];
        for (int r = 0; r < x.rows(); r++) {
            int off = r * n;
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += in[off + j];
            }
            double mean = sum / n;
            double sq = 0;
            for (int j = 0; j < n; j++) {
                double d = in[off + j] - mean;
                sq += d * d;
            }
            double inv = 1 / Math.sqrt(sq / n + eps);
            for (int j = 0; j < n; j++) {
                out[off + j] = (float) ((in[off + j] - mean) * inv * w[j] + b[j]);
            }
        }
        return new FloatMatrix(x.rows(), n, out);
    }

    /** {@code x += y} element-wise. */
    static void addInPlace(FloatMatrix x, FloatMatrix y) {
        float[] a = x.data();
        float[] b = y.data();
        int n = x.rows() * x.cols();
        for (int i = 0; i < n; i++) {
            a[i] += b[i];
        }
    }

    /** Adds {@code bias} to every row of {@code x}. */
    static void addBias(FloatMatrix x, float[] bias) {
        float[] a = x.data();
        int n = x.cols();
        for (int r = 0; r < x.rows(); r++) {
            int off = r * n;
            for (int j = 0; j < n; j++) {
                a[off + j] += bias[j];
            }
        }
    }

    /** The activation named by config ({@code silu}, {@code gelu}, {@code gelu_new}, {@code relu}...), in place. */
    static void activate(FloatMatrix x, String name) {
        float[] a = x.data();
        int n = x.rows() * x.cols();
        switch (name) {
            case "silu", "swish" -> {
                for (int i = 0; i < n; i++) {
                    a[i] = (float) (a[i] / (1 + Math.exp(-a[i])));
                }
            }
            case "gelu" -> {
                for (int i = 0; i < n; i++) {
                    a[i] = (float) geluErf(a[i]);
                }
            }
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> {
                for (int i = 0; i < n; i++) {
                    double v = a[i];
                    a[i] = (float) (0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v))));
                }
            }
            case "relu" -> {
                for (int i = 0; i < n; i++) {
                    a[i] = Math.max(0f, a[i]);
                }
            }
            default -> throw new ModelRuntimeException("Unsupported activation '" + name
                    + "'; supported: silu, gelu, gelu_new, gelu_pytorch_tanh, relu.");
        }
    }

    /** {@code silu(gate) ⊙ up} into {@code gate} (Llama MLP). */
    static void siluMul(FloatMatrix gate, FloatMatrix up, String activation) {
        activate(gate, activation);
        float[] g = gate.data();
        float[] u = up.data();
        int n = gate.rows() * gate.cols();
        for (int i = 0; i < n; i++) {
            g[i] *= u[i];
        }
    }

    /** {@code x/2 · (1 + erf(x/√2))}. */
    static double geluErf(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * The error function to about 1e-15: {@code erf(x) = 2/√π · e^{−x²} Σ 2ⁿx^{2n+1}/(2n+1)!!}
     * (positive terms, no cancellation) for |x| ≤ 6, ±1 beyond (erfc(6) ≈ 2e-17).
     */
    static double erf(double x) {
        double ax = Math.abs(x);
        if (ax > 6) {
            return Math.signum(x);
        }
        double x2 = ax * ax;
        double term = ax;
        double sum = ax;
        for (int n = 0; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 3);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return Math.copySign(Math.min(1, TWO_OVER_SQRT_PI * Math.exp(-x2) * sum), x);
    }

    /**
     * Rotary position tables for head dimension {@code d}: {@code cos[p·d/2 + i]} and {@code sin}
     * of {@code p·invFreq_i} for positions {@code p < maxLength} (float64 angles, stored float32).
     */
    static float[][] ropeTables(RuntimeConfig cfg, int maxLength) {
        int half = cfg.headDim() / 2;
        double[] inv = new double[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1 / Math.pow(cfg.ropeTheta(), 2.0 * i / cfg.headDim());
        }
        if (cfg.ropeScaling() != null) {
            inv = cfg.ropeScaling().scale(inv);
        }
        float[] cos = new float[maxLength * half];
        float[] sin = new float[maxLength * half];
        for (int p = 0; p < maxLength; p++) {
            for (int i = 0; i < half; i++) {
                double angle = p * inv[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new float[][] {cos, sin};
    }

    /**
     * Applies HF's rotate-half RoPE in place to every head of {@code x} (tokens × heads·d):
     * {@code x'_i = x_i cos − x_{i+d/2} sin}, {@code x'_{i+d/2} = x_{i+d/2} cos + x_i sin}.
     */
    static void rope(FloatMatrix x, int heads, int d, int[] positions, float[][] tables) {
        int half = d / 2;
        float[] a = x.data();
        float[] cos = tables[0];
        float[] sin = tables[1];
        for (int r = 0; r < x.rows(); r++) {
            int t = positions[r] * half;
            for (int h = 0; h < heads; h++) {
                int off = r * x.cols() + h * d;
                for (int i = 0; i < half; i++) {
                    float x1 = a[off + i];
                    float x2 = a[off + half + i];
                    float c = cos[t + i];
                    float s = sin[t + i];
                    a[off + i] = x1 * c - x2 * s;
                    a[off + half + i] = x2 * c + x1 * s;
                }
            }
        }
    }

    /**
     * Multi-head attention per sequence: {@code softmax(Q_h K_gᵀ/√d + mask) V_g} with key/value
     * head {@code g = h / (heads/kvHeads)} (GQA). {@code q} is tokens × heads·d, {@code k} and
     * {@code v} tokens × kvHeads·d. Causal masks future positions; a sliding window w > 0 also
     * masks keys with {@code i − j ≥ w}. Softmax subtracts the row maximum and sums in float64.
     * The heads of one key/value group are stacked into one matmul, split into query-row blocks so
     * the score matrix stays within {@link #SCORE_BLOCK_FLOATS}.
     */
    static FloatMatrix attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, Batch batch, int heads, int kvHeads,
                                 int d, boolean causal, int slidingWindow) {
        return attention(q, k, v, batch, heads, kvHeads, d, causal, slidingWindow, SCORE_BLOCK_FLOATS);
    }

    /** {@link #attention} with a given score block size (tests use small ones). */
    static FloatMatrix attention(FloatMatrix q, FloatMatrix k, FloatMatrix v, Batch batch, int heads, int kvHeads,
                                 int d, boolean causal, int slidingWindow, int scoreBlockFloats) {
        int group = heads / kvHeads;
        FloatMatrix out = FloatMatrix.zeros(q.rows(), heads * d);
        float scale = (float) (1 / Math.sqrt(d));
        for (int s = 0; s < batch.sequences(); s++) {
            int start = batch.starts[s];
            int len = batch.lengths[s];
            float[] kh = new float[len * d];
            float[] vh = new float[len * d];
            float[] qg = new float[group * len * d];
            float[] ctx = new float[group * len * d];
            int stacked = group * len;
            int blockRows = Math.max(1, Math.min(stacked, scoreBlockFloats / len));
            float[] qBlock = new float[blockRows * d];
            float[] scores = new float[blockRows * len];
            float[] ctxBlock = new float[blockRows * d];
            for (int g = 0; g < kvHeads; g++) {
                slice(k, start, len, g * d, d, kh, 0);
                slice(v, start, len, g * d, d, vh, 0);
                for (int j = 0; j < group; j++) {
                    slice(q, start, len, (g * group + j) * d, d, qg, j * len * d);
                }
                // the group's heads stacked (group·len rows), in row blocks that bound the score matrix
                for (int r0 = 0; r0 < stacked; r0 += blockRows) {
                    int rows = Math.min(blockRows, stacked - r0);
                    float[] qb = rows == stacked ? qg : qBlock;
                    if (qb != qg) {
                        System.arraycopy(qg, r0 * d, qBlock, 0, rows * d);
                    }
                    float[] cb = rows == stacked ? ctx : ctxBlock;
                    FloatGemm.multiply(false, true, rows, len, d, scale, qb, d, kh, d, 0f, scores, len);
                    softmaxRows(scores, r0, rows, len, causal, slidingWindow);
                    FloatGemm.multiply(false, false, rows, d, len, 1f, scores, len, vh, d, 0f, cb, d);
                    if (cb != ctx) {
                        System.arraycopy(ctxBlock, 0, ctx, r0 * d, rows * d);
                    }
                }
                for (int j = 0; j < group; j++) {
                    int h = g * group + j;
                    for (int i = 0; i < len; i++) {
                        System.arraycopy(ctx, (j * len + i) * d, out.data(), (start + i) * out.cols() + h * d, d);
                    }
                }
            }
        }
        return out;
    }

    private static void slice(FloatMatrix x, int rowStart, int rows, int colStart, int cols, float[] dst, int dstOff) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x.data(), (rowStart + i) * x.cols() + colStart, dst, dstOff + i * cols, cols);
        }
    }

    /**
     * Row-wise softmax of {@code rows × len} scores; local row r is stacked row {@code firstRow + r}
     * and attends as query position {@code (firstRow + r) % len}.
     */
    private static void softmaxRows(float[] a, int firstRow, int rows, int len, boolean causal, int window) {
        for (int r = 0; r < rows; r++) {
            int i = (firstRow + r) % len;
            int off = r * len;
            int hi = causal ? i : len - 1;
            int lo = window > 0 ? Math.max(0, i - window + 1) : 0;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = lo; j <= hi; j++) {
                max = Math.max(max, a[off + j]);
            }
            double sum = 0;
            for (int j = lo; j <= hi; j++) {
                float e = (float) Math.exp(a[off + j] - max);
                a[off + j] = e;
                sum += e;
            }
            float inv = (float) (1 / sum);
            for (int j = 0; j < len; j++) {
                a[off + j] = j >= lo && j <= hi ? a[off + j] * inv : 0f;
            }
        }
    }

    /** Index of the first non-finite element, or -1. */
    static int firstNonFinite(FloatMatrix x) {
        float[] a = x.data();
        int n = x.rows() * x.cols();
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }
}
