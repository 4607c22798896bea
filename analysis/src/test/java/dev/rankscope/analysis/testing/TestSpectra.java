package dev.rankscope.analysis.testing;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;

import java.util.Random;

/** Test helpers: random matrices, planted spikes, and their singular values (engine's ojAlgo backend). */
public final class TestSpectra {
    private static final SvdBackend BACKEND = new OjAlgoBackend();

    private TestSpectra() {
    }

    /** Singular values of {@code a}, descending. */
    public static double[] sigma(Matrix a) {
        return BACKEND.singularValues(a, SvdBackend.Tolerance.DEFAULT).sigma();
    }

    /** An m×n matrix of i.i.d. N(0, scale²) entries. */
    public static Matrix gaussian(Random rnd, int m, int n, double scale) {
        double[] d = new double[m * n];
        for (int i = 0; i < d.length; i++) {
            d[i] = scale * rnd.nextGaussian();
        }
        return new Matrix(m, n, d);
    }

    /** Adds θ·u vᵀ with random unit u, v (a planted rank-1 spike) in place; returns {@code a}. */
    public static Matrix plantSpike(Random rnd, Matrix a, double theta) {
        double[] u = unit(rnd, a.rows());
        double[] v = unit(rnd, a.cols());
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                a.set(i, j, a.get(i, j) + theta * u[i] * v[j]);
            }
        }
        return a;
    }

    private static double[] unit(Random rnd, int n) {
        double[] u = new double[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            u[i] = rnd.nextGaussian();
            norm += u[i] * u[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
            u[i] /= norm;
        }
        return u;
    }
}
