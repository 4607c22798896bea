package dev.rankscope.application.render;

import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The empirical spectral density of one matrix as chart data (SPEC §2), on the raw eigenvalue
 * axis λ = σ² (no division by N): a log-binned histogram normalised to integrate to 1, the fitted
 * power-law tail density, and the fitted Marchenko–Pastur density mapped back from the fit's
 * mean-1 scale to raw λ. Datasets are fresh and owned by the caller.
 *
 * @param histogram one series; x = geometric bin centre, x-interval = bin, y = density,
 *                  y-interval [{@code floor}, density] so bars draw on a log axis
 * @param powerLaw  0 or 1 series: f·(α−1)/xmin·(λ/xmin)^(−α) on [xmin, λ_max], f = numTail/N
 * @param mp        0 or 1 series: the MP density on (λ₋, λ₊), raw scale
 * @param xmin      the power-law cut-off, NaN without a fit
 * @param alpha     the power-law exponent, NaN without a fit
 * @param bulkEdge  λ₊ on the raw scale, NaN without an MP fit
 * @param floor     lower end of the density axis (a third of the smallest positive density)
 */
public record EsdData(XYIntervalSeriesCollection histogram, XYSeriesCollection powerLaw, XYSeriesCollection mp,
                      double xmin, double alpha, double bulkEdge, double floor) {
}
