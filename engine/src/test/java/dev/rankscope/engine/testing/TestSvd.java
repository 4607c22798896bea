package dev.rankscope.engine.testing;

import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.RawStore;

/**
 * A reference SVD for tests only (ojAlgo), independent of Rankscope's own backends. Shared with
 * other modules through the engine test-jar.
 */
public final class TestSvd {

    /**
     * Thin SVD result.
     *
     * @param sigma singular values, descending
     * @param u     left singular vectors as rows: {@code u[k]} is the k-th left vector (length m)
     */
    public record Result(double[] sigma, double[][] u) {
        public double stableRank() {
            double s = 0;
            for (double x : sigma) {
                s += x * x;
            }
            return s / (sigma[0] * sigma[0]);
        }
    }

    private TestSvd() {
    }

    /** SVD of an m×n row-major matrix. */
    public static Result svd(double[] w, int m, int n) {
        double[][] rows = new double[m][];
        for (int i = 0; i < m; i++) {
            rows[i] = java.util.Arrays.copyOfRange(w, i * n, (i + 1) * n);
        }
        RawStore a = RawStore.wrap(rows);
        SingularValue<Double> svd = SingularValue.R064.make(a);
        if (!svd.decompose(a)) {
            throw new IllegalStateException("SVD did not converge");
        }
        int p = Math.min(m, n);
        double[] sigma = new double[p];
        svd.getSingularValues(sigma);
        MatrixStore<Double> u = svd.getU();
        double[][] uv = new double[p][m];
        for (int k = 0; k < p; k++) {
            for (int i = 0; i < m; i++) {
                uv[k][i] = u.doubleValue(i, k);
            }
        }
        return new Result(sigma, uv);
    }

    /** Singular values only, descending. */
    public static double[] singularValues(double[] w, int m, int n) {
        return svd(w, m, n).sigma();
    }
}
