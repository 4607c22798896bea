package dev.rankscope.analysis.metrics;

import java.util.function.DoubleUnaryOperator;

/**
 * One-dimensional Nelder–Mead minimisation exactly as {@code scipy.optimize.fmin} runs it with
 * its defaults (SPEC §2): initial simplex {x₀, 1.05·x₀} (or {0, 0.00025} when x₀ = 0);
 * reflection 1, expansion 2, contraction ½, shrink ½; stop when both
 * {@code |x₁ − x₀| ≤ 1e-4} and {@code |f₁ − f₀| ≤ 1e-4}, or after 200 iterations or 200 function
 * evaluations (an evaluation past the limit is not made, as scipy raises before it). Ties keep
 * the earlier vertex first and NaN sorts last (NumPy's argsort of two values). Pure; thread-safe.
 */
final class NelderMead {

    /** scipy's {@code xtol} and {@code ftol} defaults. */
    static final double X_TOLERANCE = 1e-4;
    static final double F_TOLERANCE = 1e-4;
    /** scipy's default iteration and evaluation limit, 200 × the number of variables. */
    static final int MAX_ITERATIONS = 200;
    static final int MAX_EVALUATIONS = 200;

    private static final double RHO = 1;
    private static final double CHI = 2;
    private static final double PSI = 0.5;
    private static final double SHRINK = 0.5;
    private static final double NONZERO_DELTA = 0.05;
    private static final double ZERO_DELTA = 0.00025;

    /** Thrown by the counting wrapper when the evaluation limit is reached (scipy's _MaxFuncCallError). */
    private static final class LimitReached extends RuntimeException {
        LimitReached() {
            super(null, null, false, false);
        }
    }

    private NelderMead() {
    }

    /**
     * The best vertex scipy's {@code fmin(f, [x0])} returns.
     *
     * @param f  objective (must not throw)
     * @param x0 start point
     */
    static double minimize(DoubleUnaryOperator f, double x0) {
        int[] calls = {0};
        DoubleUnaryOperator counted = x -> {
            if (calls[0] >= MAX_EVALUATIONS) {
                throw new LimitReached();
            }
            calls[0]++;
            return f.applyAsDouble(x);
        };
        double[] sim = {x0, x0 != 0 ? (1 + NONZERO_DELTA) * x0 : ZERO_DELTA};
        double[] fsim = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        try {
            for (int k = 0; k < 2; k++) {
                fsim[k] = counted.applyAsDouble(sim[k]);
            }
        } catch (LimitReached e) {
            // as scipy: keep the vertices evaluated so far
        }
        sort(sim, fsim);
        int iterations = 1;
        while (calls[0] < MAX_EVALUATIONS && iterations < MAX_ITERATIONS) {
            try {
                if (Math.abs(sim[1] - sim[0]) <= X_TOLERANCE && Math.abs(fsim[0] - fsim[1]) <= F_TOLERANCE) {
                    break;
                }
                double xbar = sim[0];
                double xr = (1 + RHO) * xbar - RHO * sim[1];
                double fxr = counted.applyAsDouble(xr);
                if (fxr < fsim[0]) {
                    double xe = (1 + RHO * CHI) * xbar - RHO * CHI * sim[1];
                    double fxe = counted.applyAsDouble(xe);
                    if (fxe < fxr) {
                        sim[1] = xe;
                        fsim[1] = fxe;
                    } else {
                        sim[1] = xr;
                        fsim[1] = fxr;
                    }
                } else {
                    // scipy's "fxr < fsim[-2]" branch cannot be taken with two vertices (fsim[-2] is fsim[0])
                    boolean shrink = false;
                    if (fxr < fsim[1]) {
                        double xc = (1 + PSI * RHO) * xbar - PSI * RHO * sim[1];
                        double fxc = counted.applyAsDouble(xc);
                        if (fxc <= fxr) {
                            sim[1] = xc;
                            fsim[1] = fxc;
                        } else {
                            shrink = true;
                        }
                    } else {
                        double xcc = (1 - PSI) * xbar + PSI * sim[1];
                        double fxcc = counted.applyAsDouble(xcc);
                        if (fxcc < fsim[1]) {
                            sim[1] = xcc;
                            fsim[1] = fxcc;
                        } else {
                            shrink = true;
                        }
                    }
                    if (shrink) {
                        sim[1] = sim[0] + SHRINK * (sim[1] - sim[0]);
                        fsim[1] = counted.applyAsDouble(sim[1]);
                    }
                }
                iterations++;
            } catch (LimitReached e) {
                // scipy catches _MaxFuncCallError inside the loop and then re-checks the limits
            } finally {
                sort(sim, fsim);
            }
        }
        return sim[0];
    }

    /** Stable sort of the two vertices by value (NumPy's argsort of two elements). */
    private static void sort(double[] sim, double[] fsim) {
        if (fsim[1] < fsim[0] || (Double.isNaN(fsim[0]) && !Double.isNaN(fsim[1]))) {
            double t = sim[0];
            sim[0] = sim[1];
            sim[1] = t;
            t = fsim[0];
            fsim[0] = fsim[1];
            fsim[1] = t;
        }
    }
}
