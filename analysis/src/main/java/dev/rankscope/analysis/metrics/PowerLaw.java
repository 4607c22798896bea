package dev.rankscope.analysis.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Power-law fit of the empirical spectral density λ = σ² as WeightWatcher computes it
 * (SPEC §2): Hill maximum-likelihood α for every candidate xmin, and the xmin whose fit has the
 * smallest Kolmogorov–Smirnov distance. Pure functions, thread-safe; inputs are not modified.
 *
 * <p>Definitions (SPEC §2). {@code x = sort(λ[λ > 1e-5])} ascending, length N_x. For each
 * candidate index i = 0 … N_x − 2, with n = N_x − i:
 * <pre>
 *   α_i = 1 + n / Σ_{j≥i} ln(x_j / x_i)
 *   D_i = max_{j≥i} | 1 − (x_j/x_i)^{1−α_i} − (j−i)/n |     (D_i = 1 when α_i ≤ 1)
 * </pre>
 * The fit is the first i with the smallest D_i (numpy {@code argmin} order). When every tail
 * value equals x_i the sum is 0, α_i = +∞ and D_i = (n−1)/n, which is what numpy evaluates.
 *
 * <p><b>Cost.</b> α_i is O(1) from suffix sums of ln x. D_i is a maximum over the tail, so the
 * plain method (WeightWatcher's vectorised loop) is Θ(N_x²): 5·10⁸ exponentials for N_x = 32 000.
 * {@link #fitEigenvalues} computes the <em>same</em> argmin exactly with branch and bound:
 * a bound is first seeded from about 80 candidates (every 2^k-th from the top, where xmin
 * usually lands, and 64 spread evenly), then every candidate is visited in index order. A
 * candidate's scan stops as soon as one term shows it cannot win (a term above the best D, or
 * equal to it at a later index, since numpy's argmin keeps the first of equal minima), and
 * before scanning, the term at the position where the previous scan peaked or stopped is
 * probed, which rejects most candidates in O(1). Every candidate
 * that could win is scanned completely with the same arithmetic as {@link #candidates}, so the
 * result is identical to the exhaustive search (tested against it), no approximation is made;
 * only the running time depends on the data: about 3·10⁶ terms (≈ 50 ms warm) instead of 5·10⁸ for a
 * 32 000-eigenvalue bulk-plus-tail spectrum, Θ(N_x²) in the worst case. Use {@link #candidates} (always
 * exhaustive) for per-candidate curves on small inputs.
 */
public final class PowerLaw {

    /** Eigenvalues at or below this are left out of the fit (SPEC §2, WeightWatcher's EVALS_THRESH). */
    public static final double EIGENVALUE_FLOOR = 1e-5;
    /** α below this is flagged "over-trained" (SPEC §2). */
    public static final double OVER_TRAINED_BELOW = 2.0;
    /** α above this is flagged "under-trained" (SPEC §2). */
    public static final double UNDER_TRAINED_ABOVE = 6.0;

    /**
     * The fit for one candidate xmin.
     *
     * @param index      i, position of xmin in the ascending filtered eigenvalues
     * @param xmin       x_i
     * @param tailSize   n = N_x − i
     * @param alpha      α_i (+∞ when the whole tail equals x_i)
     * @param ksDistance D_i
     */
    public record Candidate(int index, double xmin, int tailSize, double alpha, double ksDistance) {
    }

    private PowerLaw() {
    }

    /**
     * Fits λ = σ² of a spectrum (any order).
     *
     * @return the fit, or null as {@link #fitEigenvalues} explains
     */
    public static PowerLawFit fit(double[] sigma) {
        double[] lambda = new double[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            lambda[i] = sigma[i] * sigma[i];
        }
        return fitEigenvalues(lambda);
    }

    /**
     * Fits eigenvalues λ directly (any order, finite, ≥ 0). Exact; see the class doc for cost.
     *
     * @return the fit, or null when fewer than 2 eigenvalues exceed {@link #EIGENVALUE_FLOOR} or
     *         when the best candidate has α = +∞ (its whole tail is one repeated value, e.g. an
     *         orthogonal or identity matrix; numpy would report α = inf, which JSON cannot hold)
     */
    public static PowerLawFit fitEigenvalues(double[] lambda) {
        Tail t = Tail.of(lambda);
        if (t == null) {
            return null;
        }
        Search s = search(t);
        double alpha = t.alpha(s.bestI);
        if (Double.isInfinite(alpha)) {
            return null; // the best "tail" is a run of equal eigenvalues: no finite power law
        }
        return result(lambda, t, s.bestI, alpha, s.best);
    }

    /** Number of KS terms the pruned search evaluates (the exhaustive search needs N_x(N_x+1)/2 − 1). For tests. */
    static long termsEvaluated(double[] lambda) {
        Tail t = Tail.of(lambda);
        return t == null ? 0 : search(t).terms;
    }

    private static Search search(Tail t) {
        Search s = new Search(t);
        // Seed the bound with a few candidates spread over the spectrum, densest towards the
        // top where xmin usually lands; then sweep every candidate in index order.
        int last = t.x.length - 1;
        for (int step = 1; step <= last; step *= 2) {
            s.consider(last - step);
        }
        int stride = Math.max(1, last / 64);
        for (int i = 0; i < last; i += stride) {
            s.consider(i);
        }
        for (int i = 0; i < last; i++) {
            s.consider(i);
        }
        return s;
    }

    /**
     * Branch-and-bound state: the best (smallest D, then smallest index) candidate so far.
     * A candidate is abandoned as soon as one of its terms shows it cannot beat that.
     */
    private static final class Search {
        final Tail t;
        final boolean[] done;
        double best = Double.POSITIVE_INFINITY;
        int bestI = -1;
        int probe = -1;
        long terms;

        Search(Tail t) {
            this.t = t;
            this.done = new boolean[t.x.length];
        }

        /** True when a candidate with index i and a D at least {@code lowerBound} cannot win. */
        private boolean beaten(double lowerBound, int i) {
            return lowerBound > best || (lowerBound == best && i > bestI);
        }

        void consider(int i) {
            if (done[i]) {
                return;
            }
            done[i] = true;
            int last = t.x.length - 1;
            int n = last + 1 - i;
            double a = t.alpha(i);
            if (Double.isInfinite(a) || !(a > 1)) {
                accept(i, Double.isInfinite(a) ? (n - 1) / (double) n : 1.0);
                return;
            }
            if (probe > i) {
                terms++;
                if (beaten(Math.abs(t.term(i, probe, a, n)), i)) {
                    return;
                }
            }
            double max = 0;
            int argmax = i;
            for (int j = i; j <= last; j++) {
                terms++;
                double v = Math.abs(t.term(i, j, a, n));
                if (v > max) {
                    max = v;
                    argmax = j;
                    if (beaten(max, i)) {
                        probe = j;
                        return;
                    }
                }
            }
            probe = argmax;
            accept(i, max);
        }

        private void accept(int i, double d) {
            if (!beaten(d, i)) {
                best = d;
                bestI = i;
            }
        }
    }

    /**
     * Every candidate's α and D, exhaustively (Θ(N_x²)): for plots of D against xmin and for
     * tests. Index order, length N_x − 1; empty when fewer than 2 eigenvalues exceed the floor.
     */
    public static List<Candidate> candidates(double[] lambda) {
        Tail t = Tail.of(lambda);
        if (t == null) {
            return List.of();
        }
        int last = t.x.length - 1;
        List<Candidate> out = new ArrayList<>(last);
        for (int i = 0; i < last; i++) {
            int n = last + 1 - i;
            double a = t.alpha(i);
            double d;
            if (Double.isInfinite(a)) {
                d = (n - 1) / (double) n;
            } else if (!(a > 1)) {
                d = 1.0;
            } else {
                d = 0;
                for (int j = i; j <= last; j++) {
                    d = Math.max(d, Math.abs(t.term(i, j, a, n)));
                }
            }
            out.add(new Candidate(i, t.x[i], n, a, d));
        }
        return out;
    }

    /** The candidate with the smallest D, first on ties (what {@link #fitEigenvalues} returns). */
    public static Candidate best(List<Candidate> candidates) {
        Candidate best = null;
        for (Candidate c : candidates) {
            if (best == null || c.ksDistance() < best.ksDistance()) {
                best = c;
            }
        }
        return best;
    }

    /** "over-trained" (α &lt; 2), "under-trained" (α &gt; 6) or "" (SPEC §2). */
    public static String verdict(double alpha) {
        if (alpha < OVER_TRAINED_BELOW) {
            return "over-trained";
        }
        if (alpha > UNDER_TRAINED_ABOVE) {
            return "under-trained";
        }
        return "";
    }

    /**
     * Rebuilds a fit's derived fields (σ_α, tail count, α-weighted, log α-norm, verdict) from its
     * α, xmin and D and the spectrum it was fitted to, for readers of stored results that keep
     * only those three. The tail size n is taken as #{λ ≥ xmin}, which is the fitted n unless
     * several eigenvalues equal xmin exactly.
     *
     * @param sigma singular values (any order); λ = σ²
     */
    public static PowerLawFit describe(double[] sigma, double alpha, double xmin, double ksDistance) {
        double[] lambda = new double[sigma.length];
        int n = 0;
        for (int i = 0; i < sigma.length; i++) {
            lambda[i] = sigma[i] * sigma[i];
            if (lambda[i] >= xmin && lambda[i] > EIGENVALUE_FLOOR) {
                n++;
            }
        }
        return result(lambda, xmin, n, alpha, ksDistance);
    }

    private static PowerLawFit result(double[] lambda, Tail t, int i, double alpha, double d) {
        return result(lambda, t.x[i], t.x.length - i, alpha, d);
    }

    private static PowerLawFit result(double[] lambda, double xmin, int n, double alpha, double d) {
        int numTail = 0;
        double lambdaMax = 0;
        for (double v : lambda) {
            if (v >= xmin) {
                numTail++;
            }
            lambdaMax = Math.max(lambdaMax, v);
        }
        // log10 Σ λ^α = α·log10 λ_max + log10 Σ (λ/λ_max)^α, which cannot overflow
        double scaled = 0;
        for (double v : lambda) {
            if (v > 0) {
                scaled += Math.pow(v / lambdaMax, alpha);
            }
        }
        double logAlphaNorm = alpha * Math.log10(lambdaMax) + Math.log10(scaled);
        return new PowerLawFit(alpha, xmin, d, (alpha - 1) / Math.sqrt(n), numTail,
                alpha * Math.log10(lambdaMax), logAlphaNorm, verdict(alpha));
    }

    /** Sorted filtered eigenvalues with logs and suffix sums of logs. */
    private static final class Tail {
        final double[] x;
        final double[] logX;
        /** suffix[i] = Σ_{j≥i} ln x_j. */
        final double[] suffix;

        private Tail(double[] x) {
            this.x = x;
            int len = x.length;
            logX = new double[len];
            suffix = new double[len + 1];
            for (int j = 0; j < len; j++) {
                logX[j] = Math.log(x[j]);
            }
            for (int j = len - 1; j >= 0; j--) {
                suffix[j] = suffix[j + 1] + logX[j];
            }
        }

        static Tail of(double[] lambda) {
            int count = 0;
            for (double v : lambda) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new IllegalArgumentException("eigenvalue " + v + " is not finite and ≥ 0");
                }
                if (v > EIGENVALUE_FLOOR) {
                    count++;
                }
            }
            if (count < 2) {
                return null;
            }
            double[] x = new double[count];
            int k = 0;
            for (double v : lambda) {
                if (v > EIGENVALUE_FLOOR) {
                    x[k++] = v;
                }
            }
            Arrays.sort(x);
            return new Tail(x);
        }

        /** α_i = 1 + n / (Σ_{j≥i} ln x_j − n ln x_i); +∞ when the sum is 0. */
        double alpha(int i) {
            int n = x.length - i;
            double s = suffix[i] - n * logX[i];
            return s > 0 ? 1 + n / s : Double.POSITIVE_INFINITY;
        }

        /** 1 − (x_j/x_i)^{1−α} − (j−i)/n. */
        double term(int i, int j, double alpha, int n) {
            return 1 - Math.exp((1 - alpha) * (logX[j] - logX[i])) - (j - i) / (double) n;
        }
    }
}
