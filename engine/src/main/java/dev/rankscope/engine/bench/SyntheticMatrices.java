package dev.rankscope.engine.bench;

import dev.rankscope.engine.linalg.Matrix;

import java.util.Random;

/**
 * Seeded test and benchmark matrices with a prescribed singular spectrum. Pure functions: the
 * same arguments give the same matrix bit for bit.
 *
 * <p>{@link #withSpectrum} builds {@code A = H_L · Σ · H_Rᵀ} where Σ is the m×n diagonal of σ and
 * H_L, H_R are products of k random Householder reflectors ({@code I − 2vvᵀ}, ‖v‖ = 1). Each
 * reflector is orthogonal, so σ(A) = σ exactly (up to rounding of the construction, ~k·eps·σ₁),
 * while every entry of A is dense. Cost O(k·m·n) instead of the O(m·n·p) of multiplying full
 * random orthogonal factors, so 4096×11008 takes about a second.
 */
public final class SyntheticMatrices {
    private SyntheticMatrices() {
    }

    /** Default reflector count per side. */
    public static final int REFLECTORS = 8;

    /**
     * A spectrum shaped like trained transformer weights: {@code σ_i = (i+1)^(−decay)}, i = 0..p−1,
     * a heavy-tailed power law (σ_p/σ₁ ≈ 7e-3 for decay 0.6 at p = 4096).
     */
    public static double[] powerLawSpectrum(int p, double decay) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = Math.pow(i + 1, -decay);
        }
        return s;
    }

    /** σ_i log-spaced from {@code largest} down to {@code smallest} (descending), p values. */
    public static double[] logSpectrum(int p, double largest, double smallest) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            double t = p == 1 ? 0 : (double) i / (p - 1);
            s[i] = largest * Math.pow(smallest / largest, t);
        }
        return s;
    }

    /** m×n matrix with singular values {@code sigma} (length ≤ min(m, n); missing ones are 0). */
    public static Matrix withSpectrum(int m, int n, double[] sigma, long seed) {
        return withSpectrum(m, n, sigma, seed, REFLECTORS);
    }

    /** As {@link #withSpectrum(int, int, double[], long)} with {@code reflectors} Householder reflectors per side. */
    public static Matrix withSpectrum(int m, int n, double[] sigma, long seed, int reflectors) {
        if (sigma.length > Math.min(m, n)) {
            throw new IllegalArgumentException(sigma.length + " singular values for a " + m + "x" + n + " matrix");
        }
        Random rnd = new Random(seed);
        double[] a = new double[Math.multiplyExact(m, n)];
        for (int i = 0; i < sigma.length; i++) {
            a[i * n + i] = sigma[i];
        }
        double[] colTmp = new double[Math.max(m, n)];
        for (int r = 0; r < reflectors; r++) {
            if (m > 1) {
                // A ← (I − 2vvᵀ) A : A −= 2 v (vᵀA)
                double[] v = unitVector(m, rnd);
                double[] w = colTmp;
                java.util.Arrays.fill(w, 0, n, 0);
                for (int i = 0; i < m; i++) {
                    double vi = v[i];
                    int row = i * n;
                    for (int j = 0; j < n; j++) {
                        w[j] += vi * a[row + j];
                    }
                }
                for (int i = 0; i < m; i++) {
                    double f = 2 * v[i];
                    int row = i * n;
                    for (int j = 0; j < n; j++) {
                        a[row + j] -= f * w[j];
                    }
                }
            }
            if (n > 1) {
                // A ← A (I − 2uuᵀ) : A −= 2 (Au) uᵀ
                double[] u = unitVector(n, rnd);
                for (int i = 0; i < m; i++) {
                    int row = i * n;
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += a[row + j] * u[j];
                    }
                    double f = 2 * dot;
                    for (int j = 0; j < n; j++) {
                        a[row + j] -= f * u[j];
                    }
                }
            }
        }
        return new Matrix(m, n, a);
    }

    /** i.i.d. standard normal entries (Marchenko–Pastur spectrum). */
    public static Matrix gaussian(int m, int n, long seed) {
        Random rnd = new Random(seed);
        double[] a = new double[Math.multiplyExact(m, n)];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        return new Matrix(m, n, a);
    }

    private static double[] unitVector(int len, Random rnd) {
        double[] v = new double[len];
        double norm = 0;
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < len; i++) {
            v[i] /= norm;
        }
        return v;
    }
}
