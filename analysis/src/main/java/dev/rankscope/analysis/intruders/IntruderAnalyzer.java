package dev.rankscope.analysis.intruders;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;

import java.util.Arrays;

/**
 * Computes intruder dimensions of one base/tuned matrix pair (SPEC §3, Shuttleworth et al. 2024,
 * "LoRA vs Full Fine-tuning: An Illusion of Equivalence"):
 * <ol>
 *   <li>thin SVDs {@code W₀ = U₀Σ₀V₀ᵀ}, {@code W_t = U_tΣ_tV_tᵀ} (all p = min(m, n) left vectors);</li>
 *   <li>{@code C = |U_tᵀU₀|}, rows j &lt; min(kMax, p) only, every base column i &lt; p;</li>
 *   <li>{@code c_j = max_i C[j, i]}, kept for j &lt; kMax so (k, ε) can change without vectors;</li>
 *   <li>the spectrum of {@code ΔW = W_t − W₀} with its effective and stable rank (SPEC §1), and the
 *       normalised spectral distance {@code ‖σ_t − σ₀‖₂ / ‖σ₀‖₂}.</li>
 * </ol>
 * When W_t equals W₀ element for element, U_t = U₀ and C = I exactly, so only W₀'s singular
 * values are computed ({@code c = 1}, overlap block = identity, ΔW = 0).
 *
 * <p>Cost: two SVDs with vectors plus {@code m·p·min(kMax, p)} multiply-adds for C, plus a
 * singular-value pass on ΔW. Inputs are never modified. Stateless apart from its configuration;
 * thread-safe when the backend is.
 */
public final class IntruderAnalyzer {

    /** Default number of base vectors kept in the heatmap block. */
    public static final int DEFAULT_OVERLAP_COLUMNS = 128;

    private final SvdBackend backend;
    private final int kMax;
    private final int overlapColumns;

    /** An analyzer keeping {@link IntruderParameters#K_MAX} c_j and a {@value #DEFAULT_OVERLAP_COLUMNS}-column heatmap block. */
    public IntruderAnalyzer(SvdBackend backend) {
        this(backend, IntruderParameters.K_MAX, DEFAULT_OVERLAP_COLUMNS);
    }

    /**
     * @param kMax           tuned vectors whose c_j are kept (≥ 1)
     * @param overlapColumns base vectors kept in the |U_tᵀU₀| block (≥ 1)
     */
    public IntruderAnalyzer(SvdBackend backend, int kMax, int overlapColumns) {
        if (kMax < 1 || overlapColumns < 1) {
            throw new IllegalArgumentException("kMax and overlapColumns must be ≥ 1");
        }
        this.backend = backend;
        this.kMax = kMax;
        this.overlapColumns = overlapColumns;
    }

    public SvdBackend backend() {
        return backend;
    }

    /**
     * Analyses one pair. {@code base} and {@code tuned} must have the same shape (m×n, PyTorch
     * (out, in) orientation) and are not modified.
     *
     * @throws IllegalArgumentException when the shapes differ
     * @throws LinalgException          when a matrix holds NaN/Inf or an SVD fails
     */
    public IntruderMatrixResult analyze(MatrixName name, Matrix base, Matrix tuned) {
        if (base.rows() != tuned.rows() || base.cols() != tuned.cols()) {
            throw new IllegalArgumentException(name.id() + ": base is " + base.rows() + "×" + base.cols()
                    + " but tuned is " + tuned.rows() + "×" + tuned.cols());
        }
        int m = base.rows();
        int n = base.cols();
        int p = Math.min(m, n);
        int rowsKept = Math.min(kMax, p);
        int colsKept = Math.min(overlapColumns, p);
        if (Arrays.equals(base.data(), tuned.data())) {
            double[] sigma = backend.singularValues(base, SvdBackend.Tolerance.DEFAULT).sigma();
            double[] ones = new double[rowsKept];
            Arrays.fill(ones, 1.0);
            double[] block = new double[rowsKept * colsKept];
            for (int j = 0; j < Math.min(rowsKept, colsKept); j++) {
                block[j * colsKept + j] = 1.0;
            }
            return new IntruderMatrixResult(name, m, n, ones, sigma, sigma, block, rowsKept, colsKept,
                    new double[p], 0, 0, 0, true);
        }
        SvdResult svdBase = backend.svd(base);
        double[] sigmaBase = svdBase.sigma();
        Matrix uBase = svdBase.u();
        svdBase = null; // let V₀ᵀ go before the second SVD allocates
        SvdResult svdTuned = backend.svd(tuned);
        double[] sigmaTuned = svdTuned.sigma();
        Matrix uTuned = svdTuned.u();
        svdTuned = null;
        double[] c = absOverlap(uTuned, uBase, rowsKept);
        uBase = null;
        uTuned = null;
        double[] maxCos = rowMax(c, rowsKept, p);
        double[] block = new double[rowsKept * colsKept];
        for (int j = 0; j < rowsKept; j++) {
            System.arraycopy(c, j * p, block, j * colsKept, colsKept);
        }
        c = null;
        double[] delta = new double[base.data().length];
        double[] b = base.data();
        double[] t = tuned.data();
        for (int i = 0; i < delta.length; i++) {
            delta[i] = t[i] - b[i];
        }
        double[] deltaSigma = backend.singularValues(new Matrix(m, n, delta), SvdBackend.Tolerance.DEFAULT).sigma();
        RankMetrics deltaRanks = RankMeasures.compute(deltaSigma, m, n);
        return new IntruderMatrixResult(name, m, n, maxCos, sigmaTuned, sigmaBase, block, rowsKept, colsKept,
                deltaSigma, deltaRanks.effectiveRank(), deltaRanks.stableRank(),
                spectralDistance(sigmaTuned, sigmaBase), false);
    }

    /**
     * {@code |U_tᵀU₀|} restricted to the first {@code rows} tuned vectors: a rows×p row-major array,
     * element (j, i) = |Σ_r U_t[r, j]·U₀[r, i]|. Both inputs are m×p with orthonormal columns;
     * they are not modified. Streams over the rows of both factors (cache-friendly, row-major).
     */
    public static double[] absOverlap(Matrix uTuned, Matrix uBase, int rows) {
        if (uTuned.rows() != uBase.rows() || uTuned.cols() != uBase.cols()) {
            throw new IllegalArgumentException("U_t " + uTuned.rows() + "×" + uTuned.cols() + " vs U₀ "
                    + uBase.rows() + "×" + uBase.cols());
        }
        int m = uBase.rows();
        int p = uBase.cols();
        if (rows > uTuned.cols()) {
            throw new IllegalArgumentException("rows " + rows + " > " + uTuned.cols() + " tuned vectors");
        }
        double[] ut = uTuned.data();
        double[] u0 = uBase.data();
        double[] acc = new double[rows * p];
        for (int r = 0; r < m; r++) {
            int rowT = r * uTuned.cols();
            int row0 = r * p;
            for (int j = 0; j < rows; j++) {
                double a = ut[rowT + j];
                if (a == 0) {
                    continue;
                }
                int out = j * p;
                for (int i = 0; i < p; i++) {
                    acc[out + i] += a * u0[row0 + i];
                }
            }
        }
        for (int i = 0; i < acc.length; i++) {
            acc[i] = Math.abs(acc[i]);
        }
        return acc;
    }

    /**
     * {@code c_j = max_i C[j, i]} of a rows×p row-major |cosine| array (SPEC §3 step 2), clamped to
     * 1 (cosines of unit vectors can exceed 1 by rounding).
     */
    static double[] rowMax(double[] c, int rows, int p) {
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) {
            double best = 0;
            for (int i = 0; i < p; i++) {
                best = Math.max(best, c[j * p + i]);
            }
            out[j] = Math.min(1.0, best);
        }
        return out;
    }

    /** ‖σ_t − σ₀‖₂ / ‖σ₀‖₂; 0 when both are zero, +∞ when only σ₀ is. Spectra of equal length. */
    public static double spectralDistance(double[] sigmaTuned, double[] sigmaBase) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < sigmaBase.length; i++) {
            double d = sigmaTuned[i] - sigmaBase[i];
            diff += d * d;
            norm += sigmaBase[i] * sigmaBase[i];
        }
        if (norm == 0) {
            return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }
}
