package dev.rankscope.engine.linalg;

/** Input checks and small helpers shared by the backends. Package-private. */
final class Inputs {
    private Inputs() {
    }

    /** Rejects NaN/±Inf before any work, naming the first bad element. */
    static void requireFinite(Matrix a) {
        double[] d = a.data();
        for (int k = 0; k < d.length; k++) {
            if (!Double.isFinite(d[k])) {
                int cols = Math.max(1, a.cols());
                throw new LinalgException("The matrix contains NaN or infinite values, so its spectrum cannot be computed.",
                        "non-finite value " + d[k] + " at (" + (k / cols) + ", " + (k % cols) + ") of a "
                                + a.rows() + "x" + a.cols() + " matrix");
            }
        }
    }

    /** True for 0×n and m×0 matrices: empty spectrum, empty factors. */
    static boolean isEmpty(Matrix a) {
        return a.rows() == 0 || a.cols() == 0;
    }

    /** Empty thin SVD of a 0×n or m×0 matrix. */
    static SvdResult empty(Matrix a, boolean vectors, SvdMethod method) {
        return vectors
                ? new SvdResult(new double[0], Matrix.zeros(a.rows(), 0), Matrix.zeros(0, a.cols()), method)
                : new SvdResult(new double[0], null, null, method);
    }

    /** Reverses an ascending array in place (LAPACK eigenvalues come ascending). */
    static void reverse(double[] v) {
        for (int i = 0, j = v.length - 1; i < j; i++, j--) {
            double t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
    }

    /** Clamps tiny negative round-off to 0 and checks the order is descending. */
    static double[] descendingNonNegative(double[] sigma) {
        for (int i = 0; i < sigma.length; i++) {
            if (!(sigma[i] > 0)) {
                sigma[i] = 0;
            }
        }
        for (int i = 1; i < sigma.length; i++) {
            if (sigma[i] > sigma[i - 1]) {
                java.util.Arrays.sort(sigma);
                reverse(sigma);
                break;
            }
        }
        return sigma;
    }
}
