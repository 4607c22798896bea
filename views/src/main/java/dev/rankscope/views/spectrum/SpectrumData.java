package dev.rankscope.views.spectrum;

import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.List;

/**
 * Chart-ready datasets for the spectrum view, built off the FX thread by
 * {@link SpectrumDatasets#build} and then handed to the charts whole: a dataset is never
 * mutated once a chart shows it (STYLE, Charts).
 *
 * @param scree        one series per selected matrix: (i, σ_i) for i = 1..p, σ_i &gt; 0 only (log y)
 * @param cumulative   one series per matrix: (k, Σ_{i≤k}σ_i²/Σσ²) for k = 1..p (SPEC §1)
 * @param esd          one histogram per matrix of λ = σ² on logarithmic bins, as densities
 *                     (count / (N·bin width)); y-intervals start at {@code esdFloor} so bars draw on log axes
 * @param tail         the primary matrix's fitted power-law density for λ ≥ xmin (SPEC §2), or empty
 * @param primaryLabel series key of the primary (marked) matrix, or "" when nothing is selected
 * @param crossings    the primary matrix's r(0.90), r(0.95), r(0.99) (SPEC §1), empty when unknown
 * @param alpha        the primary's power-law α, NaN when not fitted
 * @param xmin         the primary's tail cut-off xmin (λ units), NaN when not fitted
 * @param mpEdge       the primary's Marchenko–Pastur bulk edge λ₊ in raw λ units, NaN when not fitted
 * @param omitted      selected matrices left out of the overlay (over {@link SpectrumDatasets#MAX_OVERLAY})
 */
public record SpectrumData(XYSeriesCollection scree, XYSeriesCollection cumulative, XYIntervalSeriesCollection esd,
                           XYSeriesCollection tail, String primaryLabel, List<Integer> crossings,
                           double alpha, double xmin, double mpEdge, int omitted) {
    public SpectrumData {
        crossings = List.copyOf(crossings);
    }

    /** Nothing selected. */
    public static SpectrumData empty() {
        return new SpectrumData(new XYSeriesCollection(), new XYSeriesCollection(), new XYIntervalSeriesCollection(),
                new XYSeriesCollection(), "", List.of(), Double.NaN, Double.NaN, Double.NaN, 0);
    }

    /** Number of overlaid matrices. */
    public int seriesCount() {
        return scree.getSeriesCount();
    }

    /** Whether there is anything to draw. */
    public boolean isEmpty() {
        return scree.getSeriesCount() == 0;
    }
}
