package dev.rankscope.analysis.quant;

import dev.rankscope.engine.linalg.Matrix;

/**
 * The quantizers of SPEC §9. Pure functions; the input is never modified; thread-safe.
 *
 * <p><b>RTN symmetric</b>, b bits, per group of g inputs of one output row:
 * {@code scale = max|w| / (2^{b−1} − 1)}, {@code q = clamp(round(w/scale), −2^{b−1}+1, 2^{b−1}−1)}.
 * <b>RTN asymmetric</b>: {@code scale = (max − min)/(2^b − 1)}, {@code zero = round(−min/scale)},
 * {@code q = clamp(round(w/scale) + zero, 0, 2^b − 1)}, {@code ŵ = (q − zero)·scale}. Rounding is
 * half to even. Quotients are formed as {@code w·(2^{b−1}−1)/max|w|} (resp.
 * {@code w·(2^b−1)/(max−min)}) in float64, which equals w/scale without the rounding of the scale,
 * so SPEC §9's check (−0.5/(1/7) = −3.5 → −4) holds exactly. The stored scale is rounded to float32
 * and ŵ = float32((q − zero)·scale₃₂), so codes and scales reproduce ŵ exactly.
 * Degenerate groups: an all-zero group has scale 0 and ŵ = 0 (symmetric) or scale 1, zero 0
 * (asymmetric); an asymmetric group with max = min ≠ 0 uses the range [min(min, 0), max(max, 0)]
 * (GPTQ's convention) so that a constant is represented exactly.
 *
 * <p><b>NF4</b>: blocks of 64 consecutive elements of the flattened matrix (C order, as
 * bitsandbytes), {@code absmax} per block (float32), code index = the {@link Nf4Codebook} value
 * nearest to w/absmax, ŵ = float32(code·absmax). A zero block keeps absmax 0 and ŵ = 0.
 */
public final class Quantizer {
    private Quantizer() {
    }

    /** Quantizes an m×n weight (PyTorch (out, in) orientation) with {@code scheme}. */
    public static QuantizedMatrix quantize(Matrix w, QuantScheme scheme) {
        if (!w.isFinite()) {
            throw new IllegalArgumentException("cannot quantize a matrix with NaN or infinite entries");
        }
        return scheme.kind() == QuantScheme.Kind.NF4 ? nf4(w, scheme) : rtn(w, scheme);
    }

    private static QuantizedMatrix rtn(Matrix w, QuantScheme s) {
        int m = w.rows();
        int n = w.cols();
        int g = Math.max(1, s.effectiveGroup(n));
        int groups = n == 0 ? 0 : (n + g - 1) / g;
        int[] codes = new int[m * n];
        float[] scales = new float[m * groups];
        int[] zeros = s.symmetric() ? null : new int[m * groups];
        double[] deq = new double[m * n];
        double[] x = w.data();
        for (int i = 0; i < m; i++) {
            for (int gi = 0; gi < groups; gi++) {
                int from = i * n + gi * g;
                int to = i * n + Math.min(n, (gi + 1) * g);
                int slot = i * groups + gi;
                if (s.symmetric()) {
                    symmetricGroup(x, from, to, s.symmetricMax(), codes, deq, scales, slot);
                } else {
                    asymmetricGroup(x, from, to, s.asymmetricMax(), codes, deq, scales, zeros, slot);
                }
            }
        }
        return new QuantizedMatrix(s, m, n, codes, scales, m, groups, zeros, new Matrix(m, n, deq));
    }

    private static void symmetricGroup(double[] x, int from, int to, int qmax, int[] codes, double[] deq,
                                       float[] scales, int slot) {
        double absmax = 0;
        for (int e = from; e < to; e++) {
            absmax = Math.max(absmax, Math.abs(x[e]));
        }
        float scale = (float) (absmax / qmax);
        scales[slot] = scale;
        for (int e = from; e < to; e++) {
            int q = absmax == 0 ? 0 : clamp((long) Math.rint(x[e] * qmax / absmax), -qmax, qmax);
            codes[e] = q;
            deq[e] = (float) (q * (double) scale);
        }
    }

    private static void asymmetricGroup(double[] x, int from, int to, int qmax, int[] codes, double[] deq,
                                        float[] scales, int[] zeros, int slot) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int e = from; e < to; e++) {
            min = Math.min(min, x[e]);
            max = Math.max(max, x[e]);
        }
        if (max == min) {
            min = Math.min(min, 0);
            max = Math.max(max, 0);
        }
        double range = max - min;
        if (range == 0) {
            scales[slot] = 1f;
            zeros[slot] = 0;
            for (int e = from; e < to; e++) {
                codes[e] = 0;
                deq[e] = 0;
            }
            return;
        }
        float scale = (float) (range / qmax);
        long zero = (long) Math.rint(-min * qmax / range);
        scales[slot] = scale;
        zeros[slot] = (int) zero;
        for (int e = from; e < to; e++) {
            int q = clamp((long) Math.rint(x[e] * qmax / range) + zero, 0, qmax);
            codes[e] = q;
            deq[e] = (float) ((q - zero) * (double) scale);
        }
    }

    private static QuantizedMatrix nf4(Matrix w, QuantScheme s) {
        int m = w.rows();
        int n = w.cols();
        int total = m * n;
        int block = s.groupSize();
        int blocks = (total + block - 1) / block;
        int[] codes = new int[total];
        float[] scales = new float[blocks];
        double[] deq = new double[total];
        double[] x = w.data();
        for (int b = 0; b < blocks; b++) {
            int from = b * block;
            int to = Math.min(total, from + block);
            double absmax = 0;
            for (int e = from; e < to; e++) {
                absmax = Math.max(absmax, Math.abs(x[e]));
            }
            float scale = (float) absmax;
            scales[b] = scale;
            for (int e = from; e < to; e++) {
                int idx = absmax == 0 ? Nf4Codebook.nearest(0) : Nf4Codebook.nearest(x[e] / absmax);
                codes[e] = idx;
                deq[e] = (float) (Nf4Codebook.value(idx) * (double) scale);
            }
        }
        return new QuantizedMatrix(s, m, n, codes, scales, blocks, 1, null, new Matrix(m, n, deq));
    }

    private static int clamp(long v, int lo, int hi) {
        return (int) Math.max(lo, Math.min(hi, v));
    }
}
