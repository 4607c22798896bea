package dev.rankscope.analysis.metrics;

import java.util.Arrays;

/**
 * Marchenko–Pastur law and WeightWatcher's MP fit of an empirical spectral density (SPEC §2).
 * Pure functions, thread-safe; inputs are never modified.
 *
 * <p>Model: X = WᵀW/N for an N×M matrix (N = max(m, n), M = min(m, n), Q = N/M ≥ 1) with i.i.d.
 * entries of variance s² has, as N, M → ∞, eigenvalue density
 * {@code ρ(λ) = Q/(2π s² λ) · sqrt((λ₊−λ)(λ−λ₋))} on {@code [λ₋, λ₊]},
 * {@code λ± = s²(1 ± 1/√Q)²}, and 0 elsewhere.
 *
 * <p>Fit ({@link #fit}): eigenvalues λ = σ² are rescaled to mean 1 ({@code λ ← λ·M/Σλ}); a
 * linear-kernel KDE (bandwidth {@value #KDE_BANDWIDTH}) is evaluated on {@value #GRID_POINTS}
 * points evenly spaced on {@code [0, λ_max + 0.5]}; s runs over {@code s₀·(0.05 + 0.01k)},
 * k = 0…194 (i.e. {@code [0.05 s₀, 2 s₀)} in steps of {@code 0.01 s₀}) with
 * {@code s₀ = sqrt(λ_max)/(1 + 1/√Q)}; a candidate is rejected when λ₊ &lt; KDE peak,
 * λ₊ &gt; grid max or λ₋ &gt; KDE peak; the kept s minimises {@code Σ (ρ_s(x) − KDE(x))²} over grid
 * points whose KDE is ≥ {@value #DENSITY_FLOOR} (first s on ties). Every output is on the
 * rescaled axis: {@code bulk_max = λ₊}, {@code TW = Q^{-1/2}·λ₊^{2/3}·M^{-2/3}},
 * {@code num_spikes = #{λ > λ₊ + √TW}}, {@code softrank = λ₊/λ_max}.
 *
 * <p>Unlike WeightWatcher, which switches to a quarter-circle fit of σ when Q = 1 and polishes
 * the grid minimum with {@code scipy.optimize.fmin}, this follows SPEC §2 literally: the MP
 * density for every Q, grid search only.
 */
public final class MarchenkoPastur {

    /** KDE bandwidth on the mean-1 axis (SPEC §2). */
    public static final double KDE_BANDWIDTH = 0.1;
    /** Number of KDE grid points (SPEC §2). */
    public static final int GRID_POINTS = 1000;
    /** The grid runs to λ_max plus this (SPEC §2). */
    public static final double GRID_PAD = 0.5;
    /** Grid points whose KDE is below this are left out of the loss (SPEC §2). */
    public static final double DENSITY_FLOOR = 0.01;
    /** Search range of s as multiples of s₀: first, step, count (s₀·0.05 … s₀·1.99). */
    static final double S_FIRST = 0.05;
    static final double S_STEP = 0.01;
    static final int S_STEPS = 195;

    /**
     * A curve sampled on a grid, for charts.
     *
     * @param x       abscissae, ascending
     * @param density values at {@code x}
     */
    public record Curve(double[] x, double[] density) {
        public Curve {
            if (x.length != density.length) {
                throw new IllegalArgumentException("x and density differ in length");
            }
            x = x.clone();
            density = density.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] density() {
            return density.clone();
        }
    }

    private MarchenkoPastur() {
    }

    /** λ₋ = s²(1 − 1/√Q)². */
    public static double lowerEdge(double q, double s) {
        checkQ(q);
        double r = 1 - 1 / Math.sqrt(q);
        return s * s * r * r;
    }

    /** λ₊ = s²(1 + 1/√Q)². */
    public static double upperEdge(double q, double s) {
        checkQ(q);
        double r = 1 + 1 / Math.sqrt(q);
        return s * s * r * r;
    }

    /**
     * MP density ρ(λ) = Q/(2π s² λ)·sqrt((λ₊−λ)(λ−λ₋)) inside (λ₋, λ₊), 0 outside and on the
     * edges (so also at λ = 0 when Q = 1, where the density is integrable but unbounded).
     */
    public static double density(double lambda, double q, double s) {
        double lo = lowerEdge(q, s);
        double hi = upperEdge(q, s);
        if (!(lambda > lo && lambda < hi) || lambda <= 0) {
            return 0;
        }
        return q / (2 * Math.PI * s * s * lambda) * Math.sqrt((hi - lambda) * (lambda - lo));
    }

    /** ρ of {@link #density} at each x (fresh array). */
    public static double[] density(double[] x, double q, double s) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = density(x[i], q, s);
        }
        return y;
    }

    /**
     * Eigenvalues λ = σ² rescaled to mean 1 over M = min(m, n): {@code λ·M/Σλ} (SPEC §2).
     *
     * @throws IllegalArgumentException when σ is not the full spectrum (length M) or all zero
     */
    public static double[] rescaledEigenvalues(double[] sigma, int m, int n) {
        int bigM = Math.min(m, n);
        if (sigma.length != bigM || bigM == 0) {
            throw new IllegalArgumentException("an MP fit needs all " + bigM + " singular values of a "
                    + m + "×" + n + " matrix, got " + sigma.length);
        }
        double sum = 0;
        for (double v : sigma) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("singular value " + v + " is not finite and ≥ 0");
            }
            sum += v * v;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("all-zero spectrum has no MP fit");
        }
        double[] lambda = new double[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            lambda[i] = sigma[i] * sigma[i] * bigM / sum;
        }
        return lambda;
    }

    /**
     * The SPEC §2 kernel density estimate of eigenvalues: linear (triangular) kernel
     * {@code K(u) = (1 − |u|/h)/h} for |u| &lt; h, h = {@value #KDE_BANDWIDTH}, averaged over the
     * eigenvalues, on {@value #GRID_POINTS} points evenly spaced over [0, max λ + 0.5] (ends
     * included). O(G log M) with prefix sums; exact.
     */
    public static Curve kernelDensity(double[] lambda) {
        double[] sorted = lambda.clone();
        Arrays.sort(sorted);
        double top = sorted[sorted.length - 1] + GRID_PAD;
        double[] x = new double[GRID_POINTS];
        for (int k = 0; k < GRID_POINTS; k++) {
            x[k] = top * k / (GRID_POINTS - 1);
        }
        return new Curve(x, kde(sorted, x));
    }

    private static double[] kde(double[] sorted, double[] x) {
        int count = sorted.length;
        double[] prefix = new double[count + 1];
        for (int i = 0; i < count; i++) {
            prefix[i + 1] = prefix[i] + sorted[i];
        }
        double h = KDE_BANDWIDTH;
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double xk = x[k];
            int lo = firstAbove(sorted, xk - h);       // λ > x − h
            int mid = firstAtLeast(sorted, xk);        // λ ≥ x
            int hi = firstAtLeast(sorted, xk + h);     // λ < x + h
            double left = (mid - lo) * xk - (prefix[mid] - prefix[lo]);
            double right = (prefix[hi] - prefix[mid]) - (hi - mid) * xk;
            double sum = (hi - lo) - (left + right) / h;
            y[k] = Math.max(0, sum) / (count * h);
        }
        return y;
    }

    /**
     * WeightWatcher's MP fit (SPEC §2, see class doc).
     *
     * @param sigma all min(m, n) singular values (any order)
     * @return the fit ({@code quick = false}), or null when the spectrum is all zero or every
     *         candidate s is rejected
     */
    public static MarchenkoPasturFit fit(double[] sigma, int m, int n) {
        if (isZero(sigma)) {
            return null;
        }
        double[] lambda = rescaledEigenvalues(sigma, m, n);
        double q = (double) Math.max(m, n) / Math.min(m, n);
        Curve kde = kernelDensity(lambda);
        double[] x = kde.x;
        double[] y = kde.density;
        int peakAt = 0;
        for (int k = 1; k < y.length; k++) {
            if (y[k] > y[peakAt]) {
                peakAt = k;
            }
        }
        double peak = x[peakAt];
        double gridMax = x[x.length - 1];
        double lambdaMax = max(lambda);
        double s0 = Math.sqrt(lambdaMax) / (1 + 1 / Math.sqrt(q));
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestS = Double.NaN;
        for (int k = 0; k < S_STEPS; k++) {
            double s = s0 * (S_FIRST + S_STEP * k);
            double plus = upperEdge(q, s);
            double minus = lowerEdge(q, s);
            if (plus < peak || plus > gridMax || minus > peak) {
                continue;
            }
            double loss = 0;
            for (int g = 0; g < x.length; g++) {
                if (y[g] >= DENSITY_FLOOR) {
                    double r = density(x[g], q, s) - y[g];
                    loss += r * r;
                }
            }
            if (loss < bestLoss) {
                bestLoss = loss;
                bestS = s;
            }
        }
        if (Double.isNaN(bestS)) {
            return null;
        }
        return result(lambda, q, bestS, false);
    }

    /**
     * The quick estimate s² = mean λ (SPEC §2 allows it only labelled as such): on the mean-1
     * axis s = 1. Result has {@code quick = true}; null for an all-zero spectrum.
     */
    public static MarchenkoPasturFit quickFit(double[] sigma, int m, int n) {
        if (isZero(sigma)) {
            return null;
        }
        double[] lambda = rescaledEigenvalues(sigma, m, n);
        double mean = 0;
        for (double v : lambda) {
            mean += v;
        }
        mean /= lambda.length;
        double q = (double) Math.max(m, n) / Math.min(m, n);
        return result(lambda, q, Math.sqrt(mean), true);
    }

    /** The fitted MP density on the KDE grid of the same spectrum, for charts (rescaled axis). */
    public static Curve fittedDensity(MarchenkoPasturFit fit, double[] rescaledLambda) {
        double[] x = kernelDensity(rescaledLambda).x;
        return new Curve(x, density(x, fit.q(), fit.sigma()));
    }

    private static MarchenkoPasturFit result(double[] lambda, double q, double s, boolean quick) {
        int bigM = lambda.length;
        double plus = upperEdge(q, s);
        double tw = Math.pow(plus, 2.0 / 3.0) / (Math.sqrt(q) * Math.pow(bigM, 2.0 / 3.0));
        double threshold = plus + Math.sqrt(tw);
        int spikes = 0;
        for (double v : lambda) {
            if (v > threshold) {
                spikes++;
            }
        }
        return new MarchenkoPasturFit(q, s, lowerEdge(q, s), plus, tw, spikes, plus / max(lambda), quick);
    }

    private static boolean isZero(double[] sigma) {
        for (double v : sigma) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            m = Math.max(m, d);
        }
        return m;
    }

    private static void checkQ(double q) {
        if (!(q >= 1) || Double.isInfinite(q)) {
            throw new IllegalArgumentException("Q = N/M must be finite and ≥ 1, got " + q);
        }
    }

    /** First index with a[i] > v (a ascending). */
    private static int firstAbove(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] > v) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** First index with a[i] ≥ v (a ascending). */
    private static int firstAtLeast(double[] a, double v) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] >= v) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
