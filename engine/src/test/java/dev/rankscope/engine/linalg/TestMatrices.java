package dev.rankscope.engine.linalg;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test fixtures: random orthogonal factors from a QR, matrices with known spectra, assertions. */
final class TestMatrices {
    private TestMatrices() {
    }

    /**
     * n×n random orthogonal Q from the Householder QR of a Gaussian matrix (sign-fixed so Q is
     * Haar distributed). Row-major. O(n³), fine for n ≤ 500.
     */
    static double[] randomOrthogonal(int n, Random rnd) {
        double[] a = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        // Householder QR in place; accumulate Q = H_0 H_1 ... H_{n-1} applied to I.
        double[][] vs = new double[n][];
        double[] signs = new double[n];
        for (int k = 0; k < n; k++) {
            double norm = 0;
            for (int i = k; i < n; i++) {
                norm += a[i * n + k] * a[i * n + k];
            }
            norm = Math.sqrt(norm);
            double akk = a[k * n + k];
            double alpha = akk > 0 ? -norm : norm;
            double[] v = new double[n];
            for (int i = k; i < n; i++) {
                v[i] = a[i * n + k];
            }
            v[k] -= alpha;
            double vn = 0;
            for (int i = k; i < n; i++) {
                vn += v[i] * v[i];
            }
            vn = Math.sqrt(vn);
            if (vn > 0) {
                for (int i = k; i < n; i++) {
                    v[i] /= vn;
                }
                for (int j = k; j < n; j++) {
                    double dot = 0;
                    for (int i = k; i < n; i++) {
                        dot += v[i] * a[i * n + j];
                    }
                    for (int i = k; i < n; i++) {
                        a[i * n + j] -= 2 * v[i] * dot;
                    }
                }
            }
            vs[k] = v;
            signs[k] = Math.signum(a[k * n + k]) == 0 ? 1 : Math.signum(a[k * n + k]);
        }
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            q[i * n + i] = 1;
        }
        for (int k = n - 1; k >= 0; k--) {
            double[] v = vs[k];
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int i = k; i < n; i++) {
                    dot += v[i] * q[i * n + j];
                }
                for (int i = k; i < n; i++) {
                    q[i * n + j] -= 2 * v[i] * dot;
                }
            }
        }
        // Q·diag(sign(R_kk)) makes the distribution Haar.
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] *= signs[j];
            }
        }
        return q;
    }

    /** A = Q1[:, :p] diag(σ) Q2[:, :p]ᵀ with random orthogonal Q1 (m×m), Q2 (n×n); σ padded with 0. */
    static Matrix withKnownSpectrum(int m, int n, double[] sigma, long seed) {
        Random rnd = new Random(seed);
        double[] q1 = randomOrthogonal(m, rnd);
        double[] q2 = randomOrthogonal(n, rnd);
        double[] a = new double[m * n];
        for (int k = 0; k < sigma.length; k++) {
            double s = sigma[k];
            if (s == 0) {
                continue;
            }
            for (int i = 0; i < m; i++) {
                double f = q1[i * m + k] * s;
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += f * q2[j * n + k];
                }
            }
        }
        return new Matrix(m, n, a);
    }

    /**
     * Asserts {@code actual} agrees with {@code expected} per {@code tol}: relative for
     * σ ≥ smallCut·σ₁, absolute·σ₁ below (SvdBackend contract).
     */
    static void assertWithin(double[] expected, double[] actual, SvdBackend.Tolerance tol, String label) {
        assertEquals(expected.length, actual.length, label + ": length");
        if (expected.length == 0) {
            return;
        }
        double s1 = expected[0];
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double d = Math.abs(actual[i] - e);
            if (e >= tol.smallCut() * s1) {
                assertTrue(d <= tol.relative() * e, label + ": σ[" + i + "]=" + actual[i] + " vs " + e
                        + " relative error " + d / e + " > " + tol.relative());
            } else {
                assertTrue(d <= tol.absolute() * s1, label + ": σ[" + i + "]=" + actual[i] + " vs " + e
                        + " absolute error " + d / s1 + "·σ₁ > " + tol.absolute());
            }
        }
    }

    static void assertDescendingNonNegative(double[] s, String label) {
        for (int i = 0; i < s.length; i++) {
            assertTrue(s[i] >= 0, label + ": σ[" + i + "] negative");
            if (i > 0) {
                assertTrue(s[i] <= s[i - 1], label + ": not descending at " + i);
            }
        }
    }

    /** max |A − U Σ Vᵀ| over entries. */
    static double reconstructionError(Matrix a, SvdResult r) {
        int m = a.rows();
        int n = a.cols();
        int p = r.size();
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < p; k++) {
                    s += r.u().get(i, k) * r.sigma(k) * r.vt().get(k, j);
                }
                worst = Math.max(worst, Math.abs(s - a.get(i, j)));
            }
        }
        return worst;
    }

    /** max |QᵀQ − I| for the columns of q (columns = true) or its rows. */
    static double orthonormalityError(Matrix q, boolean columns) {
        int k = columns ? q.cols() : q.rows();
        int len = columns ? q.rows() : q.cols();
        double worst = 0;
        for (int x = 0; x < k; x++) {
            for (int y = x; y < k; y++) {
                double dot = 0;
                for (int t = 0; t < len; t++) {
                    dot += columns ? q.get(t, x) * q.get(t, y) : q.get(x, t) * q.get(y, t);
                }
                worst = Math.max(worst, Math.abs(dot - (x == y ? 1 : 0)));
            }
        }
        return worst;
    }

    /**
     * A p×p Gram XXᵀ (column-major) of a seeded p×(p+5) Gaussian X with every 7th entry scaled by
     * 1e-3, for comparing eigenvalue reductions.
     */
    static double[] randomGram(int p, Random rnd) {
        double[] x = new double[p * (p + 5)];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian() * (i % 7 == 0 ? 1e-3 : 1);
        }
        double[] g = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                double sum = 0;
                for (int t = 0; t < p + 5; t++) {
                    sum += x[i * (p + 5) + t] * x[j * (p + 5) + t];
                }
                g[i + j * p] = sum;
            }
        }
        return g;
    }
}
