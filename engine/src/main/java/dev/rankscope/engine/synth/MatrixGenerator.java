package dev.rankscope.engine.synth;

import java.util.SplittableRandom;

/**
 * Produces the rows of one {@link MatrixRecipe} matrix in order, deterministically from a seed.
 * The seed is split into independent streams (profile, spikes, low-rank factors, bulk) so the
 * bulk's Gaussian stream is consumed strictly row by row. Not thread-safe; one instance per matrix.
 */
final class MatrixGenerator {
    private final int rows;
    private final int cols;
    private final double bulkCoef;
    private final double[] rowProfile;
    private final double[] colProfile;
    private final double[][] spikeU;
    private final double[][] spikeV;
    private final double[] theta;
    private final double[][] lowA;
    private final double[][] lowB;
    private final double[] lowCoef;
    private final SplittableRandom bulk;
    private int next;

    MatrixGenerator(MatrixRecipe recipe, int rows, int cols, long seed) {
        this.rows = rows;
        this.cols = cols;
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom profileRng = root.split();
        SplittableRandom spikeRng = root.split();
        SplittableRandom lowRankRng = root.split();
        this.bulk = root.split();
        this.bulkCoef = recipe.scale() * recipe.bulkWeight();
        double[] profile = profile(Math.min(rows, cols), recipe.profileExponent(), profileRng);
        this.rowProfile = rows <= cols ? profile : null;
        this.colProfile = rows <= cols ? null : profile;

        int k = recipe.spikes();
        double edge = bulkCoef * (Math.sqrt(rows) + Math.sqrt(cols));
        spikeU = new double[k][];
        spikeV = new double[k][];
        theta = new double[k];
        for (int s = 0; s < k; s++) {
            spikeU[s] = unitVector(rows, spikeRng);
            spikeV[s] = unitVector(cols, spikeRng);
            theta[s] = recipe.spikeStrength() * edge * (1 + 0.5 * (k - 1 - s));
        }

        int r = recipe.lowRank();
        lowA = new double[rows][r];
        lowB = new double[r][cols];
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < r; l++) {
                lowA[i][l] = lowRankRng.nextGaussian();
            }
        }
        for (int l = 0; l < r; l++) {
            for (int j = 0; j < cols; j++) {
                lowB[l][j] = lowRankRng.nextGaussian();
            }
        }
        // Component l is weighted 2^-l (a decaying low-rank signal), normalised so the
        // component's Frobenius norm is ≈ s·λ·√(mn).
        lowCoef = new double[r];
        double sumSq = 0;
        for (int l = 0; l < r; l++) {
            sumSq += Math.scalb(1.0, -2 * l);
        }
        for (int l = 0; l < r; l++) {
            lowCoef[l] = recipe.scale() * recipe.lowRankWeight() * Math.scalb(1.0, -l) / Math.sqrt(sumSq);
        }
    }

    /** Writes the next row (length {@code cols}) into {@code out}. */
    void nextRow(double[] out) {
        if (next >= rows) {
            throw new IllegalStateException("all " + rows + " rows already produced");
        }
        int i = next++;
        if (rowProfile != null) {
            double c = bulkCoef * rowProfile[i];
            for (int j = 0; j < cols; j++) {
                out[j] = c * bulk.nextGaussian();
            }
        } else {
            for (int j = 0; j < cols; j++) {
                out[j] = bulkCoef * colProfile[j] * bulk.nextGaussian();
            }
        }
        for (int s = 0; s < theta.length; s++) {
            double a = theta[s] * spikeU[s][i];
            double[] v = spikeV[s];
            for (int j = 0; j < cols; j++) {
                out[j] += a * v[j];
            }
        }
        double[] ai = lowA[i];
        for (int l = 0; l < ai.length; l++) {
            double a = lowCoef[l] * ai[l];
            double[] b = lowB[l];
            for (int j = 0; j < cols; j++) {
                out[j] += a * b[j];
            }
        }
    }

    /** (1 + π(i))^(−β), normalised to mean square 1; all ones when β = 0. */
    private static double[] profile(int len, double beta, SplittableRandom rng) {
        double[] d = new double[len];
        int[] perm = new int[len];
        for (int i = 0; i < len; i++) {
            perm[i] = i;
        }
        for (int i = len - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        double sumSq = 0;
        for (int i = 0; i < len; i++) {
            d[i] = StrictMath.pow(1 + perm[i], -beta);
            sumSq += d[i] * d[i];
        }
        double norm = Math.sqrt(len / sumSq);
        for (int i = 0; i < len; i++) {
            d[i] *= norm;
        }
        return d;
    }

    static double[] unitVector(int len, SplittableRandom rng) {
        double[] v = new double[len];
        double sumSq = 0;
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
            sumSq += v[i] * v[i];
        }
        double inv = 1 / Math.sqrt(sumSq);
        for (int i = 0; i < len; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
