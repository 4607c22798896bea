package dev.rankscope.analysis;

import dev.rankscope.analysis.metrics.MarchenkoPastur;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.metrics.WeightWatcherScale;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns one computed {@link Spectrum} into a {@link MatrixAnalysis}: rank measures (SPEC §1),
 * power-law and Marchenko–Pastur fits (SPEC §2, on the values WeightWatcher analyses: a pooled conv
 * ESD scaled by √(1/2), {@link WeightWatcherScale}) and user-facing warnings. Pure function of its
 * inputs, thread-safe (called concurrently from {@link AnalyzeTask}'s workers).
 *
 * <p>Warnings (one sentence each, in this order when they apply):
 * <ul>
 *   <li>quantised dtype: the spectrum is that of the dequantised weights;</li>
 *   <li>approximate spectrum: only the top-k values are known; ranks, norms and α describe
 *       those values, and no MP fit is made (it needs every eigenvalue);</li>
 *   <li>all-zero matrix: ranks reported as 0, effective rank undefined;</li>
 *   <li>power-law fit skipped (fewer than 2 eigenvalues above 1e-5, or α = ∞ because the
 *       best tail is a run of equal eigenvalues);</li>
 *   <li>fewer than {@code min_evals} eigenvalues: no power-law and no MP fit (SPEC §2);</li>
 *   <li>degenerate MP fit: every grid candidate was rejected (WeightWatcher's number is kept);</li>
 *   <li>MP grid fit ({@code --mp-fit grid}) found no acceptable s, quick estimate shown instead.</li>
 * </ul>
 */
public final class Analyzer {

    /** The flag, shown in table, JSON, CSV and Details, of a fit whose every grid candidate was rejected (SPEC §2). */
    public static final String DEGENERATE_MP_FIT = "degenerate MP fit";

    private Analyzer() {
    }

    /** The one sentence for a matrix below {@code min_evals} (SPEC §2). */
    public static String tooFewReason(int evals, int minEvals) {
        return "no power-law or MP fit: " + evals + (evals == 1 ? " eigenvalue" : " eigenvalues")
                + " (fewer than min_evals = " + minEvals + ")";
    }

    /** {@link #analyze(MatrixName, DType, Spectrum, AnalysisParameters)} with {@link AnalysisParameters#DEFAULT}. */
    public static MatrixAnalysis analyze(MatrixName name, DType dtype, Spectrum spectrum) {
        return analyze(name, dtype, spectrum, AnalysisParameters.DEFAULT);
    }

    /**
     * Analyses one spectrum.
     *
     * @param name     parsed name ({@link dev.rankscope.analysis.naming.NameParser})
     * @param dtype    stored element type of the tensor
     * @param spectrum singular values, descending, as the engine returned them
     * @throws RankscopeException when the spectrum is not a valid singular spectrum of its matrix
     *                            (wrong length, negative, non-finite or not descending values)
     */
    public static MatrixAnalysis analyze(MatrixName name, DType dtype, Spectrum spectrum, AnalysisParameters params) {
        MatrixRef ref = spectrum.ref();
        double[] sigma = spectrum.sigma();
        checkSpectrum(ref, sigma, spectrum.approximate());
        // a pooled conv ESD (SPEC §7) is the spectrum of the block-diagonal diag(A_1 … A_K) of its
        // K out×in slices: (K·out) × (K·in), same aspect ratio Q as one slice
        int pool = ref.isPooled() ? ref.selection().poolSlices() : 1;
        int m = ref.rows() * pool;
        int n = ref.cols() * pool;
        List<String> warnings = new ArrayList<>();
        if (dtype.isQuantized()) {
            warnings.add("spectrum of dequantised weights (stored as " + dtype + ")");
        }
        if (spectrum.approximate()) {
            warnings.add("approximate spectrum: top " + sigma.length + " of " + ref.sigmaCount()
                    + " singular values only; ranks, norms and α describe those values, no MP fit");
        }
        RankMetrics ranks = WeightWatcherScale.withLogNorms(ref, params.numpyTolerance()
                ? RankMeasures.compute(sigma, m, n)
                : RankMeasures.compute(sigma, m, n, params.numericalRankTolerance()));
        // SPEC §2 fits on the values WeightWatcher analyses: a pooled conv ESD scaled by its conv2d_norm
        double[] wwSigma = WeightWatcherScale.sigma(ref, sigma);
        if (ranks.zeroMatrix()) {
            warnings.add("all-zero matrix: ranks reported as 0, effective rank undefined");
        }
        // WeightWatcher skips matrices with fewer than min_evals eigenvalues (M, or K·M when pooled)
        boolean tooFew = !spectrum.approximate() && sigma.length < params.minEvals();
        if (tooFew && !ranks.zeroMatrix()) {
            warnings.add(tooFewReason(sigma.length, params.minEvals()));
        }
        PowerLawFit powerLaw = tooFew ? null : PowerLaw.fit(wwSigma);
        if (powerLaw == null && !ranks.zeroMatrix() && !tooFew) {
            long above = java.util.Arrays.stream(wwSigma).filter(v -> v * v > PowerLaw.EIGENVALUE_FLOOR).count();
            warnings.add(above < 2
                    ? "power-law fit skipped: fewer than 2 eigenvalues above " + PowerLaw.EIGENVALUE_FLOOR
                    : "power-law fit skipped: the best tail is a run of equal eigenvalues (α = ∞)");
        }
        MarchenkoPasturFit mp = null;
        if (!spectrum.approximate() && !ranks.zeroMatrix() && !tooFew) {
            int rows = ref.rows();
            int cols = ref.cols();
            switch (params.marchenkoPastur()) {
                case FIT -> {
                    mp = MarchenkoPastur.fit(wwSigma, rows, cols, pool);
                    if (mp != null && mp.degenerate()) {
                        warnings.add(DEGENERATE_MP_FIT + ": every grid scale was rejected; WeightWatcher's number "
                                + "(polished from the first grid point) is shown");
                    }
                }
                case GRID -> {
                    mp = MarchenkoPastur.gridFit(wwSigma, rows, cols, pool);
                    if (mp == null) {
                        mp = MarchenkoPastur.quickFit(wwSigma, rows, cols, pool);
                        warnings.add("MP grid fit found no acceptable scale; quick estimate s² = mean λ shown");
                    }
                }
                case QUICK -> mp = MarchenkoPastur.quickFit(wwSigma, rows, cols, pool);
                case OFF -> mp = null;
            }
        }
        return new MatrixAnalysis(name, dtype, spectrum, ranks, powerLaw, mp, warnings);
    }

    private static void checkSpectrum(MatrixRef ref, double[] sigma, boolean approximate) {
        String problem = null;
        if (approximate ? sigma.length > ref.sigmaCount() : sigma.length != ref.sigmaCount()) {
            problem = sigma.length + " singular values for a " + ref.shapeString() + " matrix";
        } else {
            for (int i = 0; i < sigma.length && problem == null; i++) {
                if (!(sigma[i] >= 0) || Double.isInfinite(sigma[i])) {
                    problem = "singular value " + (i + 1) + " is " + sigma[i];
                } else if (i > 0 && sigma[i] > sigma[i - 1]) {
                    problem = "singular values are not in descending order at index " + i;
                }
            }
        }
        if (problem != null) {
            throw new RankscopeException("The spectrum of " + ref.id() + " is invalid and was not analysed.",
                    ref.id() + ": " + problem, null);
        }
    }
}
