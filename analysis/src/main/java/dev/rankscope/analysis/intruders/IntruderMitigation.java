package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;

/**
 * PEFT's optional intruder mitigation (SPEC §3): shrink the intruder directions of a fine-tuned
 * matrix, {@code W_mit = W_t + (λ−1)·U_I Σ_I V_Iᵀ}, where I is the set of intruder ranks. λ = 1
 * changes nothing, λ = 0 removes the intruders, the default λ = 0.75 scales them by three
 * quarters. Pure functions: inputs are never modified, results are fresh matrices.
 */
public final class IntruderMitigation {
    /** PEFT's default scale for intruder directions. */
    public static final double DEFAULT_LAMBDA = 0.75;

    private IntruderMitigation() {
    }

    /** A mitigated matrix and the 1-based ranks of the directions that were scaled. */
    public record Mitigated(Matrix matrix, int[] ranks) {
        public Mitigated {
            ranks = ranks.clone();
        }

        @Override
        public int[] ranks() {
            return ranks.clone();
        }
    }

    /**
     * {@code W_t + (λ−1)·Σ_{j∈ranks} σ_j u_j v_jᵀ}.
     *
     * @param tuned     W_t (m×n), not modified
     * @param tunedSvd  thin SVD of {@code tuned} with vectors (U m×p, Vᵀ p×n)
     * @param ranks     1-based ranks of the directions to scale, each in 1..p
     * @param lambda    scale of those directions, finite and ≥ 0
     */
    public static Matrix mitigate(Matrix tuned, SvdResult tunedSvd, int[] ranks, double lambda) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and ≥ 0, got " + lambda);
        }
        Matrix u = tunedSvd.u();
        Matrix vt = tunedSvd.vt();
        if (u == null || vt == null) {
            throw new IllegalArgumentException("the SVD of W_t must include singular vectors");
        }
        int m = tuned.rows();
        int n = tuned.cols();
        if (u.rows() != m || vt.cols() != n) {
            throw new IllegalArgumentException("SVD factors " + u.rows() + "×" + u.cols() + ", " + vt.rows() + "×"
                    + vt.cols() + " do not belong to a " + m + "×" + n + " matrix");
        }
        double[] out = tuned.data().clone();
        for (int rank : ranks) {
            int j = rank - 1;
            if (j < 0 || j >= tunedSvd.size()) {
                throw new IllegalArgumentException("rank " + rank + " outside 1.." + tunedSvd.size());
            }
            double coef = (lambda - 1) * tunedSvd.sigma(j);
            for (int i = 0; i < m; i++) {
                double a = coef * u.get(i, j);
                int row = i * n;
                for (int c = 0; c < n; c++) {
                    out[row + c] += a * vt.get(j, c);
                }
            }
        }
        return new Matrix(m, n, out);
    }

    /**
     * Finds the intruders of {@code tuned} against {@code base} at {@code params} (SPEC §3) and
     * scales them by {@code lambda}. Computes both SVDs with vectors.
     */
    public static Mitigated mitigate(Matrix base, Matrix tuned, SvdBackend backend, IntruderParameters params,
                                     double lambda) {
        if (base.rows() != tuned.rows() || base.cols() != tuned.cols()) {
            throw new IllegalArgumentException("base " + base.rows() + "×" + base.cols() + " vs tuned "
                    + tuned.rows() + "×" + tuned.cols());
        }
        SvdResult svdBase = backend.svd(base);
        SvdResult svdTuned = backend.svd(tuned);
        int p = svdTuned.size();
        int k = Math.min(params.k(), p);
        double[] c = IntruderAnalyzer.absOverlap(svdTuned.u(), svdBase.u(), k);
        double[] maxCos = IntruderAnalyzer.rowMax(c, k, p);
        int[] found = new int[k];
        int count = 0;
        for (int j = 0; j < k; j++) {
            if (maxCos[j] < params.epsilon()) {
                found[count++] = j + 1;
            }
        }
        int[] ranks = java.util.Arrays.copyOf(found, count);
        return new Mitigated(mitigate(tuned, svdTuned, ranks, lambda), ranks);
    }
}
