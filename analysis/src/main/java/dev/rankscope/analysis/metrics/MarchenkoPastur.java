package dev.rankscope.analysis.metrics;

import dev.rankscope.analysis.metrics.MarchenkoPasturFit.Method;

import java.util.Arrays;

/**
 * Marchenko–Pastur law and the MP fits of an empirical spectral density (SPEC §2).
 * Pure functions, thread-safe; inputs are never modified.
 *
 * <p>Model: X = WᵀW/N for an N×M matrix (N = max(m, n), M = min(m, n), Q = N/M ≥ 1) with i.i.d.
 * entries of variance s² has, as N, M → ∞, eigenvalue density
 * {@code ρ(λ) = Q/(2π s² λ) · sqrt((λ₊−λ)(λ−λ₋))} on {@code [λ₋, λ₊]},
 * {@code λ± = s²(1 ± 1/√Q)²}, and 0 elsewhere.
 *
 * <p>{@link #fit} reproduces WeightWatcher 0.7.5.5's {@code mp_fit} step for step (SPEC §2):
 * <ol>
 *   <li>λ = σ² (ascending) is rescaled to mean 1: {@code scale = sqrt(L)/sqrt(Σλ)},
 *       {@code λ' = scale²·λ}; sums use NumPy's pairwise summation so rounding matches;</li>
 *   <li>the fitted sample is λ' when Q ≠ 1 and σ' = sqrt(λ') when Q = 1 (quarter-circle law
 *       {@code ρ(x) = sqrt(4 − x²)/(π s²)});</li>
 *   <li>a linear-kernel KDE (bandwidth {@value #KDE_BANDWIDTH}, normalised like scikit-learn's
 *       {@code KernelDensity}) on {@value #GRID_POINTS} points of {@code linspace(0, max(sample) + 0.5)};
 *       points with density &gt; {@value #DENSITY_FLOOR} are compared, those below count as zero
 *       residuals;</li>
 *   <li>residual of s: Σ (model − KDE)²; for Q ≠ 1 every residual is 1000 when λ₊ &lt; KDE peak,
 *       λ₊ &gt; the largest kept x, or λ₋ &gt; KDE peak;</li>
 *   <li>{@code scipy.optimize.brute} over {@code arange(0.05 s₀, 2 s₀, 0.01 s₀)},
 *       {@code s₀ = sqrt(λ'_max/(1 + 1/√Q)²)}, first minimum, then {@code scipy.optimize.fmin}
 *       (Nelder–Mead, defaults) from it ({@link NelderMead}).</li>
 * </ol>
 * When every grid candidate is rejected the fit is returned with {@code degenerate = true}.
 * {@link #gridFit} is the SPEC-literal variant (MP density for every Q, grid point only, null
 * when every candidate is rejected), {@link #quickFit} the labelled s² = mean λ estimate.
 */
public final class MarchenkoPastur {

    /** KDE bandwidth on the mean-1 axis (SPEC §2). */
    public static final double KDE_BANDWIDTH = 0.1;
    /** Number of KDE grid points (SPEC §2). */
    public static final int GRID_POINTS = 1000;
    /** The grid runs to the largest fitted value plus this (SPEC §2). */
    public static final double GRID_PAD = 0.5;
    /** Grid points whose KDE is not above this are left out of the loss (SPEC §2). */
    public static final double DENSITY_FLOOR = 0.01;
    /** Residual of every kept grid point for a rejected candidate (WeightWatcher's constant). */
    static final double REJECTED_RESIDUAL = 1000;
    /** Search range of s as multiples of s₀: first, end (exclusive), step. */
    static final double S_FIRST = 0.05;
    static final double S_END = 2.0;
    static final double S_STEP = 0.01;

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
     * Eigenvalues λ = σ² rescaled to mean 1: {@code λ·L/Σλ}, L = σ.length (SPEC §2).
     *
     * @param m rows of one slice
     * @param n columns of one slice
     * @throws IllegalArgumentException when σ's length is not a positive multiple of min(m, n),
     *                                  a value is negative or not finite, or all are zero
     */
    public static double[] rescaledEigenvalues(double[] sigma, int m, int n) {
        double sum = checkedSumOfSquares(sigma, m, n);
        double[] lambda = new double[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            lambda[i] = sigma[i] * sigma[i] * sigma.length / sum;
        }
        return lambda;
    }

    /**
     * The SPEC §2 kernel density estimate: linear (triangular) kernel
     * {@code K(u) = (1 − |u|/h)/h} for |u| &lt; h, h = {@value #KDE_BANDWIDTH}, averaged over the
     * values, on {@value #GRID_POINTS} points of NumPy's {@code linspace(0, max + 0.5, 1000)}.
     * Exact sums over the values inside each kernel window.
     */
    public static Curve kernelDensity(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double[] x = linspace(sorted[sorted.length - 1] + GRID_PAD);
        return new Curve(x, kde(sorted, x));
    }

    /** NumPy's {@code linspace(0, top, 1000)}: {@code k·(top/999)}, the last point exactly top. */
    private static double[] linspace(double top) {
        double step = top / (GRID_POINTS - 1);
        double[] x = new double[GRID_POINTS];
        for (int k = 0; k < GRID_POINTS; k++) {
            x[k] = k * step;
        }
        x[GRID_POINTS - 1] = top;
        return x;
    }

    private static double[] kde(double[] sorted, double[] x) {
        double h = KDE_BANDWIDTH;
        double[] y = new double[x.length];
        for (int k = 0; k < x.length; k++) {
            double xk = x[k];
            double sum = 0;
            for (int i = firstAbove(sorted, xk - h); i < sorted.length && sorted[i] < xk + h; i++) {
                double d = Math.abs(xk - sorted[i]);
                if (d < h) {
                    sum += 1 - d / h;
                }
            }
            y[k] = sum / h / sorted.length;
        }
        return y;
    }

    /** {@link #fit(double[], int, int, int)} of one m×n matrix. */
    public static MarchenkoPasturFit fit(double[] sigma, int m, int n) {
        return fit(sigma, m, n, 1);
    }

    /**
     * WeightWatcher 0.7.5.5's MP fit (SPEC §2, see class doc).
     *
     * @param sigma  all singular values (any order): {@code slices·min(m, n)} of them
     * @param m      rows of one slice
     * @param n      columns of one slice
     * @param slices number of slices pooled into this ESD (1, or kh·kw for a pooled conv kernel)
     * @return the fit ({@link Method#WEIGHTWATCHER}), or null when the spectrum is all zero
     */
    public static MarchenkoPasturFit fit(double[] sigma, int m, int n, int slices) {
        checkCount(sigma, m, n, slices);
        if (isZero(sigma)) {
            return null;
        }
        double[] lambda = ascendingEigenvalues(sigma);
        double scale = Math.sqrt(lambda.length) / Math.sqrt(NumpySum.pairwise(lambda));
        double[] scaled = new double[lambda.length];
        for (int i = 0; i < lambda.length; i++) {
            scaled[i] = (scale * scale) * lambda[i];
        }
        double q = (double) Math.max(m, n) / Math.min(m, n);
        double lambdaMax = max(scaled);
        double onePlus = 1 + 1.0 / Math.sqrt(q);
        double s0 = Math.sqrt(lambdaMax / (onePlus * onePlus));
        double[] sample = scaled;
        if (q == 1) {
            sample = new double[scaled.length];
            for (int i = 0; i < scaled.length; i++) {
                sample[i] = Math.sqrt(scaled[i]);
            }
        }
        Residual residual = new Residual(kernelDensity(sample), q);
        double[] grid = arange(S_FIRST * s0, S_END * s0, S_STEP * s0);
        int best = 0;
        double bestValue = Double.NaN;
        boolean anyAccepted = false;
        for (int i = 0; i < grid.length; i++) {
            double value = residual.applyAsDouble(grid[i]);
            anyAccepted |= !residual.rejects(grid[i]);
            if (i == 0 || value < bestValue) {
                best = i;
                bestValue = value;
            }
        }
        double s = NelderMead.minimize(residual, grid[best]);
        return result(Method.WEIGHTWATCHER, scaled, q, s, Math.min(m, n), scale, !anyAccepted);
    }

    /** NumPy's {@code arange(start, stop, step)} for doubles: length ⌈(stop−start)/step⌉, {@code start + i·((start+step)−start)}. */
    static double[] arange(double start, double stop, double step) {
        int length = (int) Math.max(0, Math.ceil((stop - start) / step));
        double[] a = new double[length];
        double next = start + step;
        double delta = next - start;
        for (int i = 0; i < length; i++) {
            a[i] = i == 0 ? start : i == 1 ? next : start + i * delta;
        }
        return a;
    }

    /**
     * WeightWatcher's residual {@code resid_mp(s)}: Σ (model − KDE)² over the KDE grid, the
     * points with density below the floor counted as zero residuals; summed pairwise like NumPy.
     */
    private static final class Residual implements java.util.function.DoubleUnaryOperator {
        private final double[] x;
        private final double[] y;
        private final int dropped;
        private final double q;
        private final double peak;
        private final double keptMax;

        Residual(Curve kde, double q) {
            double[] gx = kde.x;
            double[] gy = kde.density;
            int kept = 0;
            int below = 0;
            for (double v : gy) {
                if (v > DENSITY_FLOOR) {
                    kept++;
                } else if (v < DENSITY_FLOOR) {
                    below++;
                }
            }
            x = new double[kept];
            y = new double[kept];
            int k = 0;
            for (int g = 0; g < gx.length; g++) {
                if (gy[g] > DENSITY_FLOOR) {
                    x[k] = gx[g];
                    y[k++] = gy[g];
                }
            }
            dropped = below;
            this.q = q;
            int peakAt = 0;
            double top = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < kept; i++) {
                if (y[i] > y[peakAt]) {
                    peakAt = i;
                }
                top = Math.max(top, x[i]);
            }
            peak = kept == 0 ? Double.NaN : x[peakAt];
            keptMax = top;
        }

        /** True when candidate s is rejected (Q ≠ 1 only). */
        boolean rejects(double s) {
            if (q == 1) {
                return false;
            }
            double r = Math.sqrt(1 / q);
            double b = (s * (1 + r)) * (s * (1 + r));
            double a = (s * (1 - r)) * (s * (1 - r));
            return b < peak || b > keptMax || a > peak;
        }

        @Override
        public double applyAsDouble(double s) {
            double[] squares = new double[x.length + dropped];
            if (rejects(s)) {
                Arrays.fill(squares, 0, x.length, REJECTED_RESIDUAL * REJECTED_RESIDUAL);
                return NumpySum.pairwise(squares);
            }
            if (q == 1) {
                double amplitude = 1 / (Math.PI * s * s);
                for (int i = 0; i < x.length; i++) {
                    double r = finite(amplitude * Math.sqrt(4 - x[i] * x[i])) - y[i];
                    squares[i] = r * r;
                }
            } else {
                double inv = 1 / q;
                double r = Math.sqrt(inv);
                double b = (s * (1 + r)) * (s * (1 + r));
                double a = (s * (1 - r)) * (s * (1 - r));
                for (int i = 0; i < x.length; i++) {
                    double model = finite((1 / (2 * Math.PI * s * s * x[i] * inv)) * Math.sqrt((b - x[i]) * (x[i] - a)));
                    double d = model - y[i];
                    squares[i] = d * d;
                }
            }
            return NumpySum.pairwise(squares);
        }

        /** NumPy's {@code nan_to_num}: NaN → 0, ±∞ → ±max double. */
        private static double finite(double v) {
            if (Double.isNaN(v)) {
                return 0;
            }
            if (Double.isInfinite(v)) {
                return v > 0 ? Double.MAX_VALUE : -Double.MAX_VALUE;
            }
            return v;
        }
    }

    /** {@link #gridFit(double[], int, int, int)} of one m×n matrix. */
    public static MarchenkoPasturFit gridFit(double[] sigma, int m, int n) {
        return gridFit(sigma, m, n, 1);
    }

    /**
     * The SPEC-literal grid-only fit (labelled {@link Method#GRID}): MP density for every Q,
     * λ rescaled to mean 1, KDE as in {@link #kernelDensity}, s over
     * {@code s₀·(0.05 + 0.01k)}, k = 0…194, candidates rejected as in {@link #fit}, the first
     * grid minimum kept, no polish.
     *
     * @return the fit, or null when the spectrum is all zero or every candidate is rejected
     */
    public static MarchenkoPasturFit gridFit(double[] sigma, int m, int n, int slices) {
        checkCount(sigma, m, n, slices);
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
        int steps = (int) Math.round((S_END - S_FIRST) / S_STEP);
        for (int k = 0; k < steps; k++) {
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
        return result(Method.GRID, lambda, q, bestS, Math.min(m, n), scaleOf(sigma, m, n), false);
    }

    /** {@link #quickFit(double[], int, int, int)} of one m×n matrix. */
    public static MarchenkoPasturFit quickFit(double[] sigma, int m, int n) {
        return quickFit(sigma, m, n, 1);
    }

    /**
     * The quick estimate s² = mean λ (SPEC §2 allows it only labelled as such): on the mean-1
     * axis s = 1. Result has {@link Method#QUICK}; null for an all-zero spectrum.
     */
    public static MarchenkoPasturFit quickFit(double[] sigma, int m, int n, int slices) {
        checkCount(sigma, m, n, slices);
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
        return result(Method.QUICK, lambda, q, Math.sqrt(mean), Math.min(m, n), scaleOf(sigma, m, n), false);
    }

    /** The fitted MP density on the KDE grid of the same spectrum, for charts (rescaled axis). */
    public static Curve fittedDensity(MarchenkoPasturFit fit, double[] rescaledLambda) {
        double[] x = kernelDensity(rescaledLambda).x;
        return new Curve(x, density(x, fit.q(), fit.sigma()));
    }

    /** WeightWatcher's outputs of a fitted s (SPEC §2), on the mean-1 axis of {@code scaled}. */
    private static MarchenkoPasturFit result(Method method, double[] scaled, double q, double s, int bigM,
                                             double scale, boolean degenerate) {
        double invSqrtQ = 1 / Math.sqrt(q);
        double plus = (s * (1 + invSqrtQ)) * (s * (1 + invSqrtQ));
        double minus = (s * (1 - invSqrtQ)) * (s * (1 - invSqrtQ));
        double tw = invSqrtQ * Math.pow(plus, 2.0 / 3.0) * Math.pow(bigM, -2.0 / 3.0);
        double threshold = plus + Math.sqrt(tw);
        int spikes = 0;
        for (double v : scaled) {
            if (v > threshold) {
                spikes++;
            }
        }
        return new MarchenkoPasturFit(method, q, s, minus, plus, tw, spikes, plus / max(scaled), scale, degenerate);
    }

    private static double scaleOf(double[] sigma, int m, int n) {
        return Math.sqrt(sigma.length / checkedSumOfSquares(sigma, m, n));
    }

    /** λ = σ², ascending (WeightWatcher sorts its eigenvalues ascending before summing). */
    private static double[] ascendingEigenvalues(double[] sigma) {
        double[] lambda = new double[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            lambda[i] = sigma[i] * sigma[i];
        }
        Arrays.sort(lambda);
        return lambda;
    }

    private static double checkedSumOfSquares(double[] sigma, int m, int n) {
        checkCount(sigma, m, n, sigma.length / Math.max(1, Math.min(m, n)));
        double sum = 0;
        for (double v : sigma) {
            sum += v * v;
        }
        if (sum == 0) {
            throw new IllegalArgumentException("all-zero spectrum has no MP fit");
        }
        return sum;
    }

    private static void checkCount(double[] sigma, int m, int n, int slices) {
        int bigM = Math.min(m, n);
        if (bigM <= 0 || slices <= 0 || sigma.length != (long) bigM * slices) {
            throw new IllegalArgumentException("an MP fit needs all " + (long) bigM * Math.max(slices, 1)
                    + " singular values of " + (slices > 1 ? slices + " slices of " : "a ") + m + "×" + n
                    + " matrix, got " + sigma.length);
        }
        for (double v : sigma) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException("singular value " + v + " is not finite and ≥ 0");
            }
        }
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
}
