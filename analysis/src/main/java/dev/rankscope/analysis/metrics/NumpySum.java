package dev.rankscope.analysis.metrics;

/**
 * NumPy's pairwise summation of a float64 array ({@code np.sum} of a contiguous 1-D array), so
 * that sums reproduce WeightWatcher's rounding (SPEC §2): blocks of fewer than 8 values are
 * summed left to right, blocks of up to 128 with 8 interleaved accumulators, longer ones split
 * in two at a multiple of 8. Pure; the input is not modified.
 */
final class NumpySum {

    private static final int BLOCK = 128;
    private static final int UNROLL = 8;

    private NumpySum() {
    }

    /** Σ a[i] in NumPy's pairwise order. */
    static double pairwise(double[] a) {
        return pairwise(a, 0, a.length);
    }

    private static double pairwise(double[] a, int from, int n) {
        if (n < UNROLL) {
            double res = 0.;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= BLOCK) {
            double[] r = new double[UNROLL];
            System.arraycopy(a, from, r, 0, UNROLL);
            int i = UNROLL;
            for (; i < n - (n % UNROLL); i += UNROLL) {
                for (int j = 0; j < UNROLL; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % UNROLL;
        return pairwise(a, from, n2) + pairwise(a, from + n2, n - n2);
    }
}
