package dev.rankscope.views.budget;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;

import java.util.Arrays;

/**
 * What the reconstruction preview shows for one matrix W (m×n) at rank k (SPEC §4): W, its best
 * rank-k approximation W_k = U_k Σ_k V_kᵀ and the residual W − W_k, each as a grid of block means
 * at most {@code maxSide} cells a side (downsampled for big matrices), plus the error numbers.
 *
 * <p>The block mean of W_k is computed without forming W_k: the mean over a block of rows R and
 * columns C is (mean_R U_k) Σ_k (mean_C V_kᵀ), exact because the mean is linear. Cost
 * O((m + n)·k + g_r·g_c·k) for a g_r×g_c grid. The measured error is
 * sqrt(Σ_{i>k} σ_i² / Σ σ_i²) from the full SVD of W (Eckart–Young, ‖W − W_k‖_F/‖W‖_F), which the
 * caller compares with the plan's predicted error. Immutable; arrays copied.
 *
 * @param matrixId       which matrix
 * @param rows           m
 * @param cols           n
 * @param rank           k (p when the plan keeps the matrix dense)
 * @param gridRows       g_r ≤ maxSide
 * @param gridCols       g_c ≤ maxSide
 * @param original       block means of W, row-major g_r×g_c
 * @param approximation  block means of W_k
 * @param residual       block means of W − W_k
 * @param measuredError  ‖W − W_k‖_F/‖W‖_F from this SVD (0 for W = 0)
 * @param predictedError the plan's rel_error for the matrix
 */
public record ReconstructionPreview(String matrixId, int rows, int cols, int rank, int gridRows, int gridCols,
                                    double[] original, double[] approximation, double[] residual,
                                    double measuredError, double predictedError) {
    /** Default grid side for the heatmaps. */
    public static final int DEFAULT_MAX_SIDE = 128;

    public ReconstructionPreview {
        original = original.clone();
        approximation = approximation.clone();
        residual = residual.clone();
    }

    @Override
    public double[] original() {
        return original.clone();
    }

    @Override
    public double[] approximation() {
        return approximation.clone();
    }

    @Override
    public double[] residual() {
        return residual.clone();
    }

    /** max |W| cell, the shared colour scale of the three heatmaps (1 for W = 0). */
    public double scale() {
        double s = 0;
        for (double v : original) {
            s = Math.max(s, Math.abs(v));
        }
        return s == 0 ? 1 : s;
    }

    /**
     * Builds the preview.
     *
     * @param w              the weights (not modified)
     * @param svd            thin SVD of {@code w} with vectors
     * @param rank           k, clamped to [0, p]
     * @param predictedError the plan's rel_error
     * @param maxSide        largest grid side, ≥ 1
     */
    public static ReconstructionPreview of(String matrixId, Matrix w, SvdResult svd, int rank, double predictedError,
                                           int maxSide) {
        if (maxSide < 1) {
            throw new IllegalArgumentException("maxSide must be ≥ 1, got " + maxSide);
        }
        int m = w.rows();
        int n = w.cols();
        int k = Math.max(0, Math.min(rank, svd.size()));
        int gr = Math.min(m, maxSide);
        int gc = Math.min(n, maxSide);
        int[] rowBlock = blocks(m, gr);
        int[] colBlock = blocks(n, gc);
        double[] orig = new double[gr * gc];
        int[] count = new int[gr * gc];
        for (int i = 0; i < m; i++) {
            int bi = rowBlock[i] * gc;
            for (int j = 0; j < n; j++) {
                orig[bi + colBlock[j]] += w.get(i, j);
                count[bi + colBlock[j]]++;
            }
        }
        for (int c = 0; c < orig.length; c++) {
            orig[c] /= count[c];
        }
        double[][] uMean = new double[gr][k];   // mean over row block of U_k·Σ_k
        int[] rowsIn = new int[gr];
        for (int i = 0; i < m; i++) {
            rowsIn[rowBlock[i]]++;
            for (int t = 0; t < k; t++) {
                uMean[rowBlock[i]][t] += svd.u().get(i, t) * svd.sigma(t);
            }
        }
        double[][] vMean = new double[gc][k];   // mean over column block of V_kᵀ
        int[] colsIn = new int[gc];
        for (int j = 0; j < n; j++) {
            colsIn[colBlock[j]]++;
            for (int t = 0; t < k; t++) {
                vMean[colBlock[j]][t] += svd.vt().get(t, j);
            }
        }
        double[] approx = new double[gr * gc];
        double[] resid = new double[gr * gc];
        for (int a = 0; a < gr; a++) {
            for (int b = 0; b < gc; b++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += uMean[a][t] * vMean[b][t];
                }
                s /= (double) rowsIn[a] * colsIn[b];
                approx[a * gc + b] = s;
                resid[a * gc + b] = orig[a * gc + b] - s;
            }
        }
        double total = 0;
        double tail = 0;
        for (int i = 0; i < svd.size(); i++) {
            double s2 = svd.sigma(i) * svd.sigma(i);
            total += s2;
            if (i >= k) {
                tail += s2;
            }
        }
        double measured = total == 0 ? 0 : Math.sqrt(tail / total);
        return new ReconstructionPreview(matrixId, m, n, k, gr, gc, orig, approx, resid, measured, predictedError);
    }

    /** Block index of each of {@code size} positions split evenly into {@code parts} blocks. */
    private static int[] blocks(int size, int parts) {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = (int) ((long) i * parts / size);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconstructionPreview p && p.matrixId.equals(matrixId) && p.rank == rank
                && p.rows == rows && p.cols == cols && Arrays.equals(p.original, original)
                && Arrays.equals(p.approximation, approximation);
    }

    @Override
    public int hashCode() {
        return matrixId.hashCode() * 31 + rank;
    }
}
