package dev.rankscope.views.spectrum;

import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.naming.MatrixName;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the spectrum view's datasets from analysed matrices. Pure and thread-agnostic: called
 * on a work thread, the result is swapped into the charts on the FX thread.
 */
public final class SpectrumDatasets {
    /** At most this many matrices are overlaid; more would be unreadable. */
    public static final int MAX_OVERLAY = 12;
    /** Points on the fitted power-law line. */
    static final int TAIL_POINTS = 64;

    private SpectrumDatasets() {
    }

    /**
     * Datasets for {@code analyses} (the selection, in order), marking {@code primary} (one of
     * them, or null for the first). Inputs are not modified.
     */
    public static SpectrumData build(List<MatrixAnalysis> analyses, MatrixAnalysis primary) {
        if (analyses.isEmpty()) {
            return SpectrumData.empty();
        }
        List<MatrixAnalysis> shown = analyses.size() > MAX_OVERLAY ? analyses.subList(0, MAX_OVERLAY) : analyses;
        MatrixAnalysis marked = primary != null && shown.contains(primary) ? primary : shown.get(0);
        XYSeriesCollection scree = new XYSeriesCollection();
        XYSeriesCollection cumulative = new XYSeriesCollection();
        XYIntervalSeriesCollection esd = new XYIntervalSeriesCollection();
        Set<String> keys = new HashSet<>();
        String primaryKey = "";
        double[][] densities = new double[shown.size()][];
        double[][] edges = new double[shown.size()][];
        double floor = Double.POSITIVE_INFINITY;
        String[] labels = new String[shown.size()];
        for (int s = 0; s < shown.size(); s++) {
            MatrixAnalysis a = shown.get(s);
            String key = uniqueKey(label(a.name()), keys);
            labels[s] = key;
            if (a == marked) {
                primaryKey = key;
            }
            double[] sigma = a.spectrum().sigma();
            XYSeries sc = new XYSeries(key, false, true);
            for (int i = 0; i < sigma.length; i++) {
                if (sigma[i] > 0) {
                    sc.add(i + 1, sigma[i], false);
                }
            }
            scree.addSeries(sc);
            XYSeries cu = new XYSeries(key, false, true);
            double[] energy = RankMeasures.cumulativeEnergy(sigma);
            double share = topKEnergyShare(a, sigma);
            for (int k = 0; k < energy.length; k++) {
                cu.add(k + 1, energy[k] * share, false);
            }
            cumulative.addSeries(cu);
            double[] lambda = new double[sigma.length];
            for (int i = 0; i < sigma.length; i++) {
                lambda[i] = sigma[i] * sigma[i];
            }
            edges[s] = logBinEdges(lambda);
            densities[s] = edges[s].length == 0 ? new double[0] : histogramDensity(lambda, edges[s]);
            for (double d : densities[s]) {
                if (d > 0) {
                    floor = Math.min(floor, d);
                }
            }
        }
        double yLow = Double.isInfinite(floor) ? 1e-12 : floor / 3;
        for (int s = 0; s < shown.size(); s++) {
            XYIntervalSeries h = new XYIntervalSeries(labels[s], false, true);
            for (int b = 0; b < densities[s].length; b++) {
                double d = densities[s][b];
                if (d > 0) {
                    double lo = edges[s][b];
                    double hi = edges[s][b + 1];
                    h.add(Math.sqrt(lo * hi), lo, hi, d, yLow, d);
                }
            }
            esd.addSeries(h);
        }
        XYSeriesCollection tail = new XYSeriesCollection();
        PowerLawFit pl = marked.spectrum().approximate() ? null : marked.powerLaw();   // no α from a top-k tail
        double[] sigma = marked.spectrum().sigma();
        if (pl != null && pl.xmin() > 0 && pl.alpha() > 1 && sigma.length > 0) {
            tail.addSeries(tailSeries(pl, sigma, "power law α = " + String.format(java.util.Locale.ROOT, "%.2f", pl.alpha())));
        }
        // r90/r95/r99 of an approximate top-k are relative to those k values only: no markers for them
        List<Integer> crossings = marked.ranks().zeroMatrix() || marked.spectrum().approximate() ? List.of()
                : List.of(marked.ranks().rankAt90(), marked.ranks().rankAt95(), marked.ranks().rankAt99());
        return new SpectrumData(scree, cumulative, esd, tail, primaryKey, crossings,
                pl == null ? Double.NaN : pl.alpha(), pl == null ? Double.NaN : pl.xmin(),
                mpEdgeRaw(marked), analyses.size() - shown.size());
    }

    /** Short series label: {@code L3 q} inside the blocks, the module label outside, else the id. */
    static String label(MatrixName name) {
        if (name.hasLayer()) {
            return "L" + name.layer() + " " + name.module().label();
        }
        return switch (name.module()) {
            case EMBED, LM_HEAD -> name.module().label();
            default -> name.id();
        };
    }

    private static String uniqueKey(String base, Set<String> used) {
        String key = base;
        for (int n = 2; !used.add(key); n++) {
            key = base + " #" + n;
        }
        return key;
    }

    /** Log-spaced ESD bins, at most 80 (see {@link dev.rankscope.application.render.EsdHistogram#logBinEdges}). */
    static double[] logBinEdges(double[] lambda) {
        return dev.rankscope.application.render.EsdHistogram.logBinEdges(lambda, 80);
    }

    /** See {@link dev.rankscope.application.render.EsdHistogram#density}. */
    static double[] histogramDensity(double[] lambda, double[] edges) {
        return dev.rankscope.application.render.EsdHistogram.density(lambda, edges);
    }

    /**
     * The fitted tail as a density over all positive λ: a fraction f = numTail/N of the mass
     * follows the Pareto density (α−1)/xmin·(λ/xmin)^(−α) on [xmin, λ_max] (SPEC §2).
     */
    private static XYSeries tailSeries(PowerLawFit pl, double[] sigma, String key) {
        int n = 0;
        double max = 0;
        for (double s : sigma) {
            if (s > 0) {
                n++;
                max = Math.max(max, s * s);
            }
        }
        XYSeries line = new XYSeries(key, false, true);
        if (n == 0 || !(max > pl.xmin())) {
            return line;
        }
        double fraction = (double) pl.numTail() / n;
        double lo = Math.log10(pl.xmin());
        double hi = Math.log10(max);
        for (int i = 0; i < TAIL_POINTS; i++) {
            double x = Math.pow(10, lo + (hi - lo) * i / (TAIL_POINTS - 1));
            double pdf = fraction * (pl.alpha() - 1) / pl.xmin() * Math.pow(x / pl.xmin(), -pl.alpha());
            line.add(x, pdf, false);
        }
        return line;
    }

    /**
     * The Marchenko–Pastur bulk edge in the ESD's own units. The fit runs on λ rescaled to mean 1
     * (λ·M/Σλ, SPEC §2), so λ₊ is mapped back with Σλ/M; NaN when there is no fit.
     */
    static double mpEdgeRaw(MatrixAnalysis a) {
        MarchenkoPasturFit mp = a.mp();
        if (mp == null || !(mp.bulkMax() > 0)) {
            return Double.NaN;
        }
        double sum = 0;
        for (double s : a.spectrum().sigma()) {
            sum += s * s;
        }
        int m = a.fullRank();
        return m == 0 || sum == 0 ? Double.NaN : mp.bulkMax() * sum / m;
    }

    /**
     * The fraction of ‖A‖²_F that the given σ carry: 1 for an exact spectrum; Σσ̂²/‖A‖²_F for a
     * quick-preview top-k whose Frobenius norm came from the data, so its cumulative curve shows
     * the energy captured by the top k rather than climbing to 100 %; 1 otherwise (then the curve
     * is relative to the top k, as the "≈ approximate" label says).
     */
    static double topKEnergyShare(MatrixAnalysis a, double[] sigma) {
        if (!TopKPreview.hasExactFrobenius(a)) {
            return 1;
        }
        double top = 0;
        for (double v : sigma) {
            top += v * v;
        }
        double f = a.ranks().frobeniusNorm();
        return f > 0 ? Math.min(1, top / (f * f)) : 1;
    }
}
