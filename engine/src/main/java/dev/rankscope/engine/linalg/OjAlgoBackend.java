package dev.rankscope.engine.linalg;

import org.ojalgo.OjAlgoUtils;
import org.ojalgo.matrix.decomposition.SingularValue;
import org.ojalgo.matrix.store.MatrixStore;
import org.ojalgo.matrix.store.R064Store;

/**
 * Pure-Java SVD on ojAlgo's {@code SingularValue.R064} decomposition: the fallback when the
 * native library cannot load, and the reference for the native backend's contract.
 *
 * <p>Layout. ojAlgo stores column-major, so the row-major m×n array is wrapped (no copy) as the
 * column-major n×m matrix Aᵀ; the decomposition copies it into its own storage, so the input is
 * never modified. σ(Aᵀ) = σ(A), and Aᵀ = U_B Σ V_Bᵀ gives U = V_B, Vᵀ = U_Bᵀ.
 *
 * <p>Every result says {@link SvdMethod#OJALGO}; the tolerance is met by construction (a
 * one-sided-Jacobi/Golub-Kahan class algorithm in float64, no Gram shortcut). It is 10–100×
 * slower than the native path on large matrices. Thread-safe: a new decomposition per call.
 */
public final class OjAlgoBackend implements SvdBackend {

    /** Shown in {@link EngineInfo}. */
    public static final String LIBRARY = "ojAlgo " + versionOrDefault();

    private final String note;

    public OjAlgoBackend() {
        this("");
    }

    /** @param note why this backend runs instead of the native one (shown in {@link EngineInfo#note()}); empty when chosen */
    public OjAlgoBackend(String note) {
        this.note = note == null ? "" : note;
    }

    @Override
    public EngineInfo info() {
        return new EngineInfo("java", LIBRARY, "n/a", OjAlgoUtils.ENVIRONMENT.threads, note);
    }

    @Override
    public SvdResult singularValues(Matrix a, Tolerance tolerance) {
        java.util.Objects.requireNonNull(tolerance, "tolerance");
        if (Inputs.isEmpty(a)) {
            return Inputs.empty(a, false, SvdMethod.OJALGO);
        }
        Inputs.requireFinite(a);
        SingularValue<Double> svd = SingularValue.R064.make(transposedView(a), false);
        if (!svd.computeValuesOnly(transposedView(a))) {
            throw notComputed(a);
        }
        return new SvdResult(values(svd, a.minDim()), null, null, SvdMethod.OJALGO);
    }

    @Override
    public SvdResult svd(Matrix a) {
        if (Inputs.isEmpty(a)) {
            return Inputs.empty(a, true, SvdMethod.OJALGO);
        }
        Inputs.requireFinite(a);
        int m = a.rows();
        int n = a.cols();
        int p = a.minDim();
        SingularValue<Double> svd = SingularValue.R064.make(transposedView(a), false);
        if (!svd.decompose(transposedView(a))) {
            throw notComputed(a);
        }
        double[] sigmaRaw = new double[p];
        svd.getSingularValues(sigmaRaw);
        MatrixStore<Double> ub = svd.getU();   // n×p
        MatrixStore<Double> vb = svd.getV();   // m×p
        // ojAlgo returns σ descending; keep the column order consistent even if it did not.
        Integer[] order = new Integer[p];
        for (int k = 0; k < p; k++) {
            order[k] = k;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(sigmaRaw[y], sigmaRaw[x]));
        double[] sigma = new double[p];
        double[] u = new double[m * p];
        double[] vt = new double[p * n];
        for (int k = 0; k < p; k++) {
            int src = order[k];
            sigma[k] = Math.max(sigmaRaw[src], 0);
            for (int i = 0; i < m; i++) {
                u[i * p + k] = vb.doubleValue(i, src);
            }
            for (int j = 0; j < n; j++) {
                vt[k * n + j] = ub.doubleValue(j, src);
            }
        }
        return new SvdResult(sigma, new Matrix(m, p, u), new Matrix(p, n, vt), SvdMethod.OJALGO);
    }

    /** The row-major m×n data seen as the column-major n×m matrix Aᵀ (no copy). */
    private static R064Store transposedView(Matrix a) {
        return R064Store.wrap(a.data(), a.cols());
    }

    private static double[] values(SingularValue<Double> svd, int p) {
        double[] sigma = new double[p];
        svd.getSingularValues(sigma);
        return Inputs.descendingNonNegative(sigma);
    }

    private static LinalgException notComputed(Matrix a) {
        return new LinalgException("The singular value computation did not converge for this matrix.",
                "ojAlgo SingularValue.R064 did not compute a " + a.rows() + "x" + a.cols() + " matrix");
    }

    private static String versionOrDefault() {
        String v = OjAlgoUtils.getVersion();
        return v == null || v.isBlank() ? "57.1.0" : v;
    }
}
