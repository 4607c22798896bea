package dev.rankscope.application.render;

import java.util.Arrays;

/**
 * Histogram of an empirical spectral density λ = σ² on logarithmic bins, normalised to integrate to
 * 1 so it can be drawn against the power-law and Marchenko–Pastur densities. Shared by the
 * interactive Spectrum view and the headless report charts. Pure functions; inputs are not modified.
 */
public final class EsdHistogram {
    private EsdHistogram() {
    }

    /**
     * Logarithmically spaced bin edges spanning the positive values of {@code lambda}:
     * ⌈2√N⌉ bins clamped to [8, maxBins]; empty when fewer than 2 positive values or all equal.
     */
    public static double[] logBinEdges(double[] lambda, int maxBins) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        int n = 0;
        for (double l : lambda) {
            if (l > 0 && Double.isFinite(l)) {
                min = Math.min(min, l);
                max = Math.max(max, l);
                n++;
            }
        }
        if (n < 2 || !(max > min)) {
            return new double[0];
        }
        int bins = Math.max(8, Math.min(maxBins, (int) Math.ceil(2 * Math.sqrt(n))));
        double lo = Math.log10(min);
        double hi = Math.log10(max);
        double[] edges = new double[bins + 1];
        for (int b = 0; b <= bins; b++) {
            edges[b] = Math.pow(10, lo + (hi - lo) * b / bins);
        }
        edges[0] = min;
        edges[bins] = max;
        return edges;
    }

    /**
     * Density of {@code lambda} in each bin: count / (N·width), N = number of positive λ, so the
     * histogram integrates to 1 and compares with the power-law density. The last bin is closed.
     */
    public static double[] density(double[] lambda, double[] edges) {
        int bins = edges.length - 1;
        int[] counts = new int[bins];
        int n = 0;
        for (double l : lambda) {
            if (!(l > 0) || !Double.isFinite(l)) {
                continue;
            }
            n++;
            int b = Arrays.binarySearch(edges, l);
            int idx = b >= 0 ? Math.min(b, bins - 1) : Math.min(-b - 2, bins - 1);
            counts[Math.max(idx, 0)]++;
        }
        double[] out = new double[bins];
        for (int b = 0; b < bins; b++) {
            out[b] = n == 0 ? 0 : counts[b] / (n * (edges[b + 1] - edges[b]));
        }
        return out;
    }
}
