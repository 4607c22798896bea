package dev.rankscope.analysis;

import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;

import java.util.List;

/**
 * Everything Rankscope knows about one analysed matrix: its place in the model, its spectrum
 * and every metric of SPEC §1–2. Immutable. This is what the CLI prints, the JSON holds
 * ({@code "format": "rankscope-analysis"}) and the workbench shows.
 *
 * @param name      layer / module parsed from the tensor name
 * @param dtype     stored element type (quantised weights are labelled in the UI)
 * @param spectrum  singular values and how they were computed
 * @param ranks     rank measures (SPEC §1)
 * @param powerLaw  heavy-tail fit, or null when there is none (fewer than 2 eigenvalues above 1e-5, or α = ∞; see {@code PowerLaw.fitEigenvalues})
 * @param mp        Marchenko–Pastur fit, or null when it could not be fitted
 * @param warnings  user-facing notes (e.g. "weights contain NaN", "all-zero matrix")
 */
public record MatrixAnalysis(MatrixName name, DType dtype, Spectrum spectrum, RankMetrics ranks,
                             PowerLawFit powerLaw, MarchenkoPasturFit mp, List<String> warnings) {
    public MatrixAnalysis {
        warnings = List.copyOf(warnings);
    }

    public int rows() {
        return spectrum.ref().rows();
    }

    public int cols() {
        return spectrum.ref().cols();
    }

    /** p = min(m, n); for a pooled conv ESD K·min(out, in), the rank of the block-diagonal of its K slices (SPEC §7). */
    public int fullRank() {
        return spectrum.ref().sigmaCount();
    }
}
