package dev.rankscope.engine.testing;

import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * Test-only {@link SvdBackend} over ojAlgo's {@code SingularValue.R064}, so tests of code written
 * against the interface run before (and independently of) the production backends. Follows the
 * interface contract: input untouched, σ descending, NaN/Inf rejected, thin factors U (m×p) and
 * Vᵀ (p×n). Stateless and thread-safe.
 */
public final class OjalgoTestSvd implements SvdBackend {

    @Override
    public EngineInfo info() {
        return new EngineInfo("java", "ojAlgo (test)", "n/a", 1, "");
    }

    @Override
    public SvdResult singularValues(Matrix a, Tolerance tolerance) {
        SvdResult full = svd(a);
        return new SvdResult(full.sigma(), null, null, SvdMethod.OJALGO);
    }

    @Override
    public SvdResult svd(Matrix a) {
        if (!a.isFinite()) {
            throw new LinalgException("the matrix contains NaN or infinite values", "OjalgoTestSvd: non-finite input");
        }
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        if (p == 0) {
            return new SvdResult(new double[0], Matrix.zeros(m, 0), Matrix.zeros(0, n), SvdMethod.OJALGO);
        }
        R064Store store = R064Store.FACTORY.make(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                store.set(i, j, a.get(i, j));
            }
        }
        SingularValue<Double> svd = SingularValue.R064.make(store);
        if (!svd.decompose(store)) {
            throw new LinalgException("the SVD did not converge", "ojAlgo SingularValue failed");
        }
        double[] sv = new double[p];
        var values = svd.getSingularValues();
        Integer[] order = new Integer[p];
        for (int i = 0; i < p; i++) {
            sv[i] = i < values.size() ? values.doubleValue(i) : 0.0;
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(sv[y], sv[x]));
        MatrixStore<Double> u = svd.getU();
        MatrixStore<Double> v = svd.getV();
        double[] sigma = new double[p];
        Matrix uOut = Matrix.zeros(m, p);
        Matrix vtOut = Matrix.zeros(p, n);
        for (int c = 0; c < p; c++) {
            int src = order[c];
            sigma[c] = Math.max(0, sv[src]);
            boolean haveVectors = src < u.getColDim() && src < v.getColDim();
            for (int i = 0; i < m; i++) {
                uOut.set(i, c, haveVectors ? u.doubleValue(i, src) : 0.0);
            }
            for (int j = 0; j < n; j++) {
                vtOut.set(c, j, haveVectors ? v.doubleValue(j, src) : 0.0);
            }
        }
        return new SvdResult(sigma, uOut, vtOut, SvdMethod.OJALGO);
    }
}
