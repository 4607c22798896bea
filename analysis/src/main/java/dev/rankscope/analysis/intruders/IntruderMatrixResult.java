package dev.rankscope.analysis.intruders;

import dev.rankscope.analysis.naming.MatrixName;

import java.util.Arrays;

/**
 * Everything the intruder views need about one base/tuned matrix pair, without singular vectors
 * (SPEC §3). Kept small so k and ε can change instantly: {@code maxCosine} holds
 * {@code c_j = max_i |u_{t,j}·u_{0,i}|} (max over all p base vectors) for the top
 * {@code min(K_MAX, p)} tuned vectors, and {@code overlap} holds the top-left block of
 * {@code |U_tᵀU₀|} for the heatmap. Immutable: arrays are copied in and out.
 *
 * @param name              layer and module of the matrix
 * @param rows              m
 * @param cols              n
 * @param maxCosine         c_j for j = 0..min(K_MAX, p)−1 (c_1 is index 0), each in [0, 1]
 * @param sigmaTuned        σ(W_t), descending, length p
 * @param sigmaBase         σ(W₀), descending, length p
 * @param overlap           |U_tᵀU₀| block, row-major, {@code overlapRows × overlapCols}: element (j, i)
 *                          is |cos| of tuned vector j and base vector i
 * @param overlapRows       rows of the block (= maxCosine.length)
 * @param overlapCols       base vectors in the block, min(N_max, p)
 * @param deltaSigma        σ(ΔW), ΔW = W_t − W₀, descending, length p
 * @param deltaEffectiveRank Roy–Vetterli effective rank of ΔW (SPEC §1); 0 when ΔW = 0
 * @param deltaStableRank   Σσ²/σ₁² of ΔW; 0 when ΔW = 0
 * @param spectralDistance  normalised spectral distance {@code ‖σ_t − σ₀‖₂ / ‖σ₀‖₂} (0 when both are
 *                          zero, +∞ when only W₀ is zero): how much the spectrum moved, blind to rotation
 * @param identical         W_t equals W₀ element for element (then c = 1, no SVD of W_t was needed)
 */
public record IntruderMatrixResult(MatrixName name, int rows, int cols, double[] maxCosine, double[] sigmaTuned,
                                   double[] sigmaBase, double[] overlap, int overlapRows, int overlapCols,
                                   double[] deltaSigma, double deltaEffectiveRank, double deltaStableRank,
                                   double spectralDistance, boolean identical) {

    /**
     * The intruders of one matrix at given (k, ε). Immutable: arrays are copied in and out.
     *
     * @param ranks     1-based ranks j of the intruding tuned vectors (ascending)
     * @param sigma     σ_j(W_t) of each intruder
     * @param maxCosine c_j of each intruder (&lt; ε)
     * @throws IllegalArgumentException when the three arrays differ in length
     */
    public record Intruders(int[] ranks, double[] sigma, double[] maxCosine) {
        public Intruders {
            ranks = ranks.clone();
            sigma = sigma.clone();
            maxCosine = maxCosine.clone();
            if (ranks.length != sigma.length || ranks.length != maxCosine.length) {
                throw new IllegalArgumentException("ranks, sigma and maxCosine must have the same length");
            }
        }

        public int count() {
            return ranks.length;
        }

        @Override
        public int[] ranks() {
            return ranks.clone();
        }

        @Override
        public double[] sigma() {
            return sigma.clone();
        }

        @Override
        public double[] maxCosine() {
            return maxCosine.clone();
        }
    }

    public IntruderMatrixResult {
        maxCosine = maxCosine.clone();
        sigmaTuned = sigmaTuned.clone();
        sigmaBase = sigmaBase.clone();
        overlap = overlap.clone();
        deltaSigma = deltaSigma.clone();
        if (overlap.length != overlapRows * overlapCols) {
            throw new IllegalArgumentException("overlap block " + overlap.length + " != " + overlapRows + "×" + overlapCols);
        }
        if (overlapRows != maxCosine.length) {
            throw new IllegalArgumentException("overlap rows " + overlapRows + " != c_j count " + maxCosine.length);
        }
    }

    /** p = min(m, n). */
    public int fullRank() {
        return Math.min(rows, cols);
    }

    /** Shape as {@code m×n}. */
    public String shapeString() {
        return rows + "×" + cols;
    }

    /** c_j for the first {@code min(k, available)} tuned vectors (c_1 first). */
    public double[] maxCosine(int k) {
        return Arrays.copyOf(maxCosine, Math.min(k, maxCosine.length));
    }

    /** c_{j+1} without copying (0-based j). */
    public double maxCosineAt(int j) {
        return maxCosine[j];
    }

    /** |cos| between tuned vector j and base vector i (0-based, inside the stored block). */
    public double overlapAt(int j, int i) {
        if (j < 0 || j >= overlapRows || i < 0 || i >= overlapCols) {
            throw new IndexOutOfBoundsException("(" + j + ", " + i + ") outside " + overlapRows + "×" + overlapCols);
        }
        return overlap[j * overlapCols + i];
    }

    /**
     * Tuned vectors j &lt; k with {@code c_j < ε} (SPEC §3 step 3). When p &lt; k only the p
     * existing vectors are examined.
     */
    public Intruders intruders(IntruderParameters params) {
        int k = Math.min(params.k(), maxCosine.length);
        int count = 0;
        for (int j = 0; j < k; j++) {
            if (maxCosine[j] < params.epsilon()) {
                count++;
            }
        }
        int[] ranks = new int[count];
        double[] sigma = new double[count];
        double[] cos = new double[count];
        int at = 0;
        for (int j = 0; j < k; j++) {
            if (maxCosine[j] < params.epsilon()) {
                ranks[at] = j + 1;
                sigma[at] = sigmaTuned[j];
                cos[at] = maxCosine[j];
                at++;
            }
        }
        return new Intruders(ranks, sigma, cos);
    }

    /** {@link #intruders(IntruderParameters)} with k and ε given directly (validated the same way). */
    public Intruders intruders(int k, double epsilon) {
        return intruders(new IntruderParameters(k, epsilon));
    }

    /** Shortcut for {@code intruders(params).count()}. */
    public int intruderCount(IntruderParameters params) {
        return intruders(params).count();
    }

    @Override
    public double[] maxCosine() {
        return maxCosine.clone();
    }

    @Override
    public double[] sigmaTuned() {
        return sigmaTuned.clone();
    }

    @Override
    public double[] sigmaBase() {
        return sigmaBase.clone();
    }

    @Override
    public double[] overlap() {
        return overlap.clone();
    }

    @Override
    public double[] deltaSigma() {
        return deltaSigma.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IntruderMatrixResult r && r.name.equals(name) && r.rows == rows && r.cols == cols
                && Arrays.equals(r.maxCosine, maxCosine) && Arrays.equals(r.sigmaTuned, sigmaTuned)
                && Arrays.equals(r.sigmaBase, sigmaBase) && Arrays.equals(r.overlap, overlap)
                && r.overlapCols == overlapCols && Arrays.equals(r.deltaSigma, deltaSigma)
                && Double.compare(r.deltaEffectiveRank, deltaEffectiveRank) == 0
                && Double.compare(r.deltaStableRank, deltaStableRank) == 0
                && Double.compare(r.spectralDistance, spectralDistance) == 0 && r.identical == identical;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(maxCosine);
    }

    @Override
    public String toString() {
        return "IntruderMatrixResult[" + name.id() + " " + shapeString() + ", c=" + Arrays.toString(maxCosine(10)) + "]";
    }
}
