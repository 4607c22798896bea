package dev.rankscope.analysis.metrics;

import java.util.List;

/**
 * Rank measures of SPEC §1 from singular values alone. Pure functions, thread-safe; inputs are
 * never modified.
 *
 * <p>Input contract for every method: {@code sigmaDescending} is finite, ≥ 0 and non-increasing
 * (what every {@code SvdBackend} returns); its length is p = min(m, n), or less for an
 * approximate top-k spectrum (then every measure describes the values given).
 *
 * <p>Degenerate cases (SPEC §1 "Edge cases"): an all-zero (or empty) spectrum gives every rank
 * 0, effective ranks 0, stable rank 0, entropy NaN, condition number +∞, log norms −∞, and
 * {@link RankMetrics#zeroMatrix()} true. The WeightWatcher spectral entropy divides by
 * ln(numerical rank), so it is NaN whenever the numerical rank is ≤ 1 (written as JSON null).
 */
public final class RankMeasures {

    /** Default energy thresholds τ of SPEC §1, in {@link RankMetrics} order r90, r95, r99. */
    public static final List<Double> DEFAULT_ENERGY_THRESHOLDS = List.of(0.90, 0.95, 0.99);

    /** Regulariser of D-Rank's energy effective rank (SPEC §1). */
    static final double ENERGY_ERANK_EPS = 1e-12;
    /** Regulariser of WeightWatcher's spectral entropy (SPEC §1). */
    static final double ENTROPY_EPS = 1e-10;

    private RankMeasures() {
    }

    /**
     * All SPEC §1 measures with numpy's numerical-rank tolerance
     * {@code σ₁ · max(m, n) · eps(float64)} ({@link #numpyTolerance}).
     *
     * @param sigmaDescending singular values, descending
     * @param m rows of the matrix
     * @param n columns of the matrix
     */
    public static RankMetrics compute(double[] sigmaDescending, int m, int n) {
        checkSpectrum(sigmaDescending, m, n);
        double s1 = sigmaDescending.length == 0 ? 0 : sigmaDescending[0];
        return compute(sigmaDescending, m, n, numpyTolerance(s1, m, n));
    }

    /**
     * All SPEC §1 measures, counting σ_i &gt; {@code tolerance} as the numerical rank (an absolute
     * threshold in the units of σ).
     */
    public static RankMetrics compute(double[] sigmaDescending, int m, int n, double tolerance) {
        checkSpectrum(sigmaDescending, m, n);
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("tolerance must be finite and ≥ 0, got " + tolerance);
        }
        double[] s = sigmaDescending;
        int p = s.length;
        double sum = 0;
        double sumSq = 0;
        for (double v : s) {
            sum += v;
            sumSq += v * v;
        }
        double s1 = p == 0 ? 0 : s[0];
        double sp = p == 0 ? 0 : s[p - 1];
        double condition = sp > 0 ? s1 / sp : Double.POSITIVE_INFINITY;
        if (sum == 0) {
            return new RankMetrics(0, 0, 0, 0, 0, 0, 0, Double.NaN, 0, 0, 0, condition,
                    Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, true);
        }

        // Roy & Vetterli: q = σ/Σσ, erank = exp(−Σ q ln q), 0·ln0 = 0
        double h = 0;
        for (double v : s) {
            if (v > 0) {
                double q = v / sum;
                h -= q * Math.log(q);
            }
        }
        double erank = Math.exp(h);

        // D-Rank: q = σ²/(Σσ² + 1e-12), exp(−Σ q ln(q + 1e-12))
        double he = 0;
        for (double v : s) {
            double q = v * v / (sumSq + ENERGY_ERANK_EPS);
            he -= q * Math.log(q + ENERGY_ERANK_EPS);
        }
        double energyErank = Math.exp(he);

        int numericalRank = 0;
        for (double v : s) {
            if (v > tolerance) {
                numericalRank++;
            }
        }

        // WeightWatcher: λ = σ², q = λ/Σλ + 1e-10, −Σ q ln q / ln(numerical rank)
        double hw = 0;
        for (double v : s) {
            double q = v * v / sumSq + ENTROPY_EPS;
            hw -= q * Math.log(q);
        }
        double entropy = numericalRank > 1 ? hw / Math.log(numericalRank) : Double.NaN;

        double[] cumulative = cumulativeEnergy(s);
        return new RankMetrics(erank, energyErank, sumSq / (s1 * s1), numericalRank,
                rankAtEnergyOf(cumulative, DEFAULT_ENERGY_THRESHOLDS.get(0)),
                rankAtEnergyOf(cumulative, DEFAULT_ENERGY_THRESHOLDS.get(1)),
                rankAtEnergyOf(cumulative, DEFAULT_ENERGY_THRESHOLDS.get(2)),
                entropy, sum, Math.sqrt(sumSq), s1, condition,
                Math.log10(sumSq), Math.log10(s1 * s1), false);
    }

    /** numpy's {@code matrix_rank} tolerance: σ₁ · max(m, n) · eps(float64), eps = 2⁻⁵². */
    public static double numpyTolerance(double sigma1, int m, int n) {
        return sigma1 * Math.max(m, n) * Math.ulp(1.0);
    }

    /**
     * Cumulative energy {@code c_k = Σ_{i≤k} σ_i² / Σσ²} for k = 1..p (index k−1). The last
     * entry is exactly 1; an all-zero spectrum gives all zeros. Fresh array.
     */
    public static double[] cumulativeEnergy(double[] sigmaDescending) {
        double total = 0;
        for (double v : sigmaDescending) {
            total += v * v;
        }
        double[] c = new double[sigmaDescending.length];
        if (total == 0) {
            return c;
        }
        double run = 0;
        for (int i = 0; i < c.length; i++) {
            run += sigmaDescending[i] * sigmaDescending[i];
            c[i] = Math.min(1.0, run / total);
        }
        // the same sum in the same order gives run == total; pin it against any rounding
        c[c.length - 1] = 1.0;
        return c;
    }

    /**
     * Energy-threshold rank r(τ) of SPEC §1: the smallest k with
     * {@code Σ_{i≤k} σ_i² / Σσ² ≥ τ}; 0 for an all-zero spectrum or τ = 0.
     *
     * @param tau threshold in [0, 1]
     */
    public static int rankAtEnergy(double[] sigmaDescending, double tau) {
        return rankAtEnergyOf(cumulativeEnergy(sigmaDescending), tau);
    }

    /**
     * r(τ) from an already computed {@link #cumulativeEnergy} array (the allocator's bisection
     * and the charts reuse one array for many τ). Binary search, O(log p).
     */
    public static int rankAtEnergyFromCumulative(double[] cumulativeEnergy, double tau) {
        return rankAtEnergyOf(cumulativeEnergy, tau);
    }

    private static int rankAtEnergyOf(double[] c, double tau) {
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("energy threshold τ must be in [0, 1], got " + tau);
        }
        if (c.length == 0 || c[c.length - 1] == 0 || tau == 0) {
            return 0;
        }
        int lo = 0;
        int hi = c.length - 1; // c[hi] = 1 ≥ τ
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (c[mid] >= tau) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo + 1;
    }

    private static void checkSpectrum(double[] s, int m, int n) {
        if (m < 0 || n < 0) {
            throw new IllegalArgumentException("negative shape " + m + "×" + n);
        }
        if (s.length > Math.min(m, n)) {
            throw new IllegalArgumentException(s.length + " singular values for a " + m + "×" + n + " matrix");
        }
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] >= 0) || Double.isInfinite(s[i])) {
                throw new IllegalArgumentException("σ_" + (i + 1) + " = " + s[i] + " is not finite and ≥ 0");
            }
            if (i > 0 && s[i] > s[i - 1]) {
                throw new IllegalArgumentException("singular values are not descending at index " + i);
            }
        }
    }
}
