package dev.rankscope.analysis.intruders;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.linalg.Matrix;

import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Matrices with known SVDs, and a small name parser for tests (layers.N.*_proj). */
final class Fixtures {
    private static final Pattern LAYER = Pattern.compile("layers\\.(\\d+)\\.");

    private Fixtures() {
    }

    /** Test-only stand-in for the analysis name parser: layer from "layers.N.", module from "x_proj". */
    static final Function<String, MatrixName> NAMES = id -> {
        Matcher m = LAYER.matcher(id);
        int layer = m.find() ? Integer.parseInt(m.group(1)) : -1;
        ModuleType type = id.contains("q_proj") ? ModuleType.Q : id.contains("v_proj") ? ModuleType.V : ModuleType.OTHER;
        return new MatrixName(id, layer, type, id.replaceAll("\\.weight$", ""));
    };

    static MatrixName name(String id) {
        return NAMES.apply(id);
    }

    /** m×k matrix with orthonormal columns (modified Gram–Schmidt of a Gaussian matrix), k ≤ m. */
    static Matrix orthonormalColumns(Random rnd, int m, int k) {
        Matrix q = Matrix.zeros(m, k);
        for (int j = 0; j < k; j++) {
            double[] v = new double[m];
            for (int i = 0; i < m; i++) {
                v[i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int c = 0; c < j; c++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += v[i] * q.get(i, c);
                    }
                    for (int i = 0; i < m; i++) {
                        v[i] -= dot * q.get(i, c);
                    }
                }
            }
            double norm = Math.sqrt(dot(v, v));
            for (int i = 0; i < m; i++) {
                q.set(i, j, v[i] / norm);
            }
        }
        return q;
    }

    /** Column j of a. */
    static double[] column(Matrix a, int j) {
        double[] c = new double[a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            c[i] = a.get(i, j);
        }
        return c;
    }

    /** U·diag(σ)·Vᵀ for U m×p, V n×p. */
    static Matrix compose(Matrix u, double[] sigma, Matrix v) {
        Matrix w = Matrix.zeros(u.rows(), v.rows());
        for (int k = 0; k < sigma.length; k++) {
            addOuter(w, sigma[k], column(u, k), column(v, k));
        }
        return w;
    }

    /** w += s·x·yᵀ, in place. */
    static void addOuter(Matrix w, double s, double[] x, double[] y) {
        for (int i = 0; i < w.rows(); i++) {
            for (int j = 0; j < w.cols(); j++) {
                w.set(i, j, w.get(i, j) + s * x[i] * y[j]);
            }
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] gaussian(Random rnd, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = rnd.nextGaussian();
        }
        return d;
    }

    /** Row-major diag(values). */
    static Matrix diag(double... values) {
        Matrix d = Matrix.zeros(values.length, values.length);
        for (int i = 0; i < values.length; i++) {
            d.set(i, i, values[i]);
        }
        return d;
    }

    /**
     * W₀ = U₀·diag(8…1)·V₀ᵀ (12×8) and W_t = W₀ + 100·u·v₈ᵀ with u outside W₀'s column space: W_t's
     * top direction is a planted intruder with σ = √(1 + 100²); its other directions are W₀'s.
     * Returns {W₀, W_t}.
     */
    static Matrix[] plantedIntruder(long seed) {
        Random rnd = new Random(seed);
        int m = 12, n = 8;
        Matrix full = orthonormalColumns(rnd, m, n + 1);
        Matrix u0 = Matrix.zeros(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                u0.set(i, j, full.get(i, j));
            }
        }
        Matrix v0 = orthonormalColumns(rnd, n, n);
        Matrix w0 = compose(u0, new double[] {8, 7, 6, 5, 4, 3, 2, 1}, v0);
        Matrix wt = w0.copy();
        addOuter(wt, 100, column(full, n), column(v0, n - 1));
        return new Matrix[] {w0, wt};
    }
}
