package dev.rankscope.analysis.testing;

import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.RawStore;

import java.util.Arrays;
import java.util.Random;

/**
 * Test-only singular values via ojAlgo, standing in for the engine backends (h/linalg) until they
 * are merged. Values only; descending; rejects NaN like the real contract.
 */
public final class OjalgoTestBackend implements SvdBackend {

    @Override
    public EngineInfo info() {
        return new EngineInfo("java", "ojAlgo (test)", "n/a", 1, "");
    }

    @Override
    public SvdResult singularValues(Matrix a, Tolerance tolerance) {
        return new SvdResult(sigma(a), null, null, SvdMethod.OJALGO);
    }

    @Override
    public SvdResult svd(Matrix a) {
        throw new UnsupportedOperationException("values only in tests");
    }

    /** Singular values of {@code a}, descending. */
    public static double[] sigma(Matrix a) {
        if (!a.isFinite()) {
            throw new LinalgException("matrix contains NaN or infinite values", "non-finite input");
        }
        int p = a.minDim();
        if (p == 0) {
            return new double[0];
        }
        double[][] rows = new double[a.rows()][a.cols()];
        for (int i = 0; i < a.rows(); i++) {
            System.arraycopy(a.data(), i * a.cols(), rows[i], 0, a.cols());
        }
        RawStore store = RawStore.wrap(rows);
        SingularValue<Double> svd = SingularValue.R064.make(store, false);
        svd.decompose(store);
        double[] s = new double[p];
        double[] all = svd.getSingularValues().toRawCopy1D();
        System.arraycopy(all, 0, s, 0, Math.min(p, all.length));
        for (int i = 0; i < p; i++) {
            s[i] = Math.abs(s[i]);
        }
        Arrays.sort(s);
        for (int i = 0; i < p / 2; i++) {
            double t = s[i];
            s[i] = s[p - 1 - i];
            s[p - 1 - i] = t;
        }
        return s;
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
