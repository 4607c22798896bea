package dev.rankscope.application.render;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.metrics.MarchenkoPastur;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYIntervalSeries;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * Pure functions from analysis results to JFreeChart datasets: the data half of every chart the
 * report draws, kept apart from styling so the interactive views can reuse it. No JavaFX, no
 * shared state; each call returns fresh datasets and never modifies its inputs. Safe from any thread.
 */
public final class ReportDatasets {
    /** Points on the fitted power-law and MP density curves. */
    static final int CURVE_POINTS = 96;

    private ReportDatasets() {
    }

    /** Short label: {@code L3 q} inside the blocks, the module label outside, else the id. */
    public static String shortLabel(MatrixName name) {
        if (name.hasLayer()) {
            return "L" + name.layer() + " " + name.module().label();
        }
        return switch (name.module()) {
            case EMBED, LM_HEAD -> name.module().label();
            default -> name.id();
        };
    }

    /**
     * Scree plot data: one series (keyed {@code key}) of (i, σ_i), i = 1..p, skipping σ_i = 0 so a log
     * axis can show it (SPEC §1 ordering: descending).
     */
    public static XYSeriesCollection scree(MatrixAnalysis a, String key) {
        double[] sigma = a.spectrum().sigma();
        XYSeries s = new XYSeries(key, false, true);
        for (int i = 0; i < sigma.length; i++) {
            if (sigma[i] > 0 && Double.isFinite(sigma[i])) {
                s.add(i + 1, sigma[i], false);
            }
        }
        return new XYSeriesCollection(s);
    }

    /** Cumulative energy data: one series of (k, Σ_{i≤k}σ_i²/Σσ²), k = 1..p (SPEC §1). */
    public static XYSeriesCollection cumulativeEnergy(MatrixAnalysis a, String key) {
        double[] energy = RankMeasures.cumulativeEnergy(a.spectrum().sigma());
        XYSeries s = new XYSeries(key, false, true);
        for (int k = 0; k < energy.length; k++) {
            s.add(k + 1, energy[k], false);
        }
        return new XYSeriesCollection(s);
    }

    /** The ESD of λ = σ² with its power-law and Marchenko–Pastur fits; see {@link EsdData}. */
    public static EsdData esd(MatrixAnalysis a) {
        double[] sigma = a.spectrum().sigma();
        double[] lambda = new double[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            lambda[i] = sigma[i] * sigma[i];
        }
        double[] edges = logBinEdges(lambda);
        double[] density = edges.length == 0 ? new double[0] : histogramDensity(lambda, edges);
        double smallest = Double.POSITIVE_INFINITY;
        for (double d : density) {
            if (d > 0) {
                smallest = Math.min(smallest, d);
            }
        }
        double floor = Double.isInfinite(smallest) ? 1e-12 : smallest / 3;
        XYIntervalSeries h = new XYIntervalSeries("ESD of λ = σ²", false, true);
        for (int b = 0; b < density.length; b++) {
            if (density[b] > 0) {
                double lo = edges[b];
                double hi = edges[b + 1];
                h.add(Math.sqrt(lo * hi), lo, hi, density[b], floor, density[b]);
            }
        }
        XYIntervalSeriesCollection histogram = new XYIntervalSeriesCollection();
        histogram.addSeries(h);

        XYSeriesCollection tail = new XYSeriesCollection();
        PowerLawFit pl = a.powerLaw();
        int positive = 0;
        double lambdaMax = 0;
        double lambdaSum = 0;
        for (double l : lambda) {
            if (l > 0 && Double.isFinite(l)) {
                positive++;
                lambdaMax = Math.max(lambdaMax, l);
                lambdaSum += l;
            }
        }
        if (pl != null && pl.xmin() > 0 && pl.alpha() > 1 && lambdaMax > pl.xmin() && positive > 0) {
            XYSeries line = new XYSeries(String.format(java.util.Locale.ROOT, "power law α = %.2f", pl.alpha()), false, true);
            double fraction = (double) pl.numTail() / positive;
            double lo = Math.log10(pl.xmin());
            double hi = Math.log10(lambdaMax);
            for (int i = 0; i < CURVE_POINTS; i++) {
                double x = Math.pow(10, lo + (hi - lo) * i / (CURVE_POINTS - 1));
                double y = fraction * (pl.alpha() - 1) / pl.xmin() * Math.pow(x / pl.xmin(), -pl.alpha());
                if (y > 0) {
                    line.add(x, y, false);
                }
            }
            tail.addSeries(line);
        }

        XYSeriesCollection mp = new XYSeriesCollection();
        MarchenkoPasturFit fit = a.mp();
        double bulkEdge = Double.NaN;
        if (fit != null && lambdaSum > 0 && sigma.length == a.fullRank()) {
            // The fit lives on λ rescaled to mean 1 over M eigenvalues: λ' = λ·M/Σλ (SPEC §2).
            double scale = lambdaSum / a.fullRank();
            bulkEdge = fit.bulkMax() * scale;
            XYSeries curve = new XYSeries(fit.quick() ? "MP bulk (quick s² = mean λ)" : "Marchenko–Pastur bulk", false, true);
            double lo = Math.max(fit.bulkMin(), fit.bulkMax() * 1e-4);
            double hi = fit.bulkMax();
            for (int i = 1; i < CURVE_POINTS - 1; i++) {
                double x = lo + (hi - lo) * i / (CURVE_POINTS - 1);
                double y = MarchenkoPastur.density(x, fit.q(), fit.sigma()) / scale;
                if (y > 0) {
                    curve.add(x * scale, y, false);
                }
            }
            mp.addSeries(curve);
        }
        return new EsdData(histogram, tail, mp, pl == null ? Double.NaN : pl.xmin(),
                pl == null ? Double.NaN : pl.alpha(), bulkEdge, floor);
    }

    /** Log-spaced ESD bins, at most 60 (see {@link dev.rankscope.application.render.EsdHistogram#logBinEdges}). */
    static double[] logBinEdges(double[] lambda) {
        return dev.rankscope.application.render.EsdHistogram.logBinEdges(lambda, 60);
    }

    /** See {@link dev.rankscope.application.render.EsdHistogram#density}. */
    static double[] histogramDensity(double[] lambda, double[] edges) {
        return dev.rankscope.application.render.EsdHistogram.density(lambda, edges);
    }

    /**
     * The layer map grid of {@code matrices} coloured by {@code metric}; see {@link LayerMapData}.
     * Rows are layers ascending with {@link LayerMapData#OUTSIDE_LABEL} (layer −1) first; columns are
     * the module types present, in {@link ModuleType} order.
     */
    public static LayerMapData layerMap(List<MatrixAnalysis> matrices, LayerMetric metric) {
        TreeSet<Integer> layers = new TreeSet<>();
        EnumSet<ModuleType> modules = EnumSet.noneOf(ModuleType.class);
        Map<List<Object>, double[]> sums = new HashMap<>(); // (layer, module) → {sum, count}
        Set<List<Object>> present = new HashSet<>();
        for (MatrixAnalysis a : matrices) {
            int layer = a.name().hasLayer() ? a.name().layer() : -1;
            layers.add(layer);
            modules.add(a.name().module());
            List<Object> key = List.of(layer, a.name().module());
            present.add(key);
            double v = metric.of(a);
            if (Double.isFinite(v)) {
                double[] acc = sums.computeIfAbsent(key, k -> new double[2]);
                acc[0] += v;
                acc[1]++;
            }
        }
        List<Integer> rows = new ArrayList<>(layers);
        List<ModuleType> columns = new ArrayList<>(modules);
        List<String> rowLabels = rows.stream().map(l -> l < 0 ? LayerMapData.OUTSIDE_LABEL : "L" + l).toList();
        List<String> columnLabels = columns.stream().map(ModuleType::label).toList();
        List<double[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int y = 0; y < rows.size(); y++) {
            for (int x = 0; x < columns.size(); x++) {
                List<Object> key = List.of(rows.get(y), columns.get(x));
                if (!present.contains(key)) {
                    continue;
                }
                double[] acc = sums.get(key);
                double z = acc == null ? Double.NaN : acc[0] / acc[1];
                cells.add(new double[]{x, y, z});
                if (Double.isFinite(z)) {
                    min = Math.min(min, z);
                    max = Math.max(max, z);
                }
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        double[][] series = new double[3][cells.size()];
        for (int i = 0; i < cells.size(); i++) {
            series[0][i] = cells.get(i)[0];
            series[1][i] = cells.get(i)[1];
            series[2][i] = cells.get(i)[2];
        }
        dataset.addSeries(metric.label(), series);
        boolean any = min <= max;
        if (metric.isFraction()) {
            return new LayerMapData(metric, dataset, rowLabels, columnLabels, any ? 0 : Double.NaN, any ? 1 : Double.NaN);
        }
        return new LayerMapData(metric, dataset, rowLabels, columnLabels, any ? min : Double.NaN, any ? max : Double.NaN);
    }

    /**
     * Intruder counts per layer stacked by module type (SPEC §3): rows (series) are module types
     * present, columns are layers ({@code L3}, {@code outside} for −1), values are counts. Input as
     * {@code IntruderReport.perLayerAndModule(params)} returns it.
     */
    public static DefaultCategoryDataset intruderCounts(SortedMap<Integer, Map<ModuleType, Integer>> perLayerAndModule) {
        EnumSet<ModuleType> modules = EnumSet.noneOf(ModuleType.class);
        perLayerAndModule.values().forEach(m -> modules.addAll(m.keySet()));
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Map.Entry<Integer, Map<ModuleType, Integer>> e : perLayerAndModule.entrySet()) {
            String column = e.getKey() < 0 ? LayerMapData.OUTSIDE_LABEL : "L" + e.getKey();
            for (ModuleType t : modules) {
                data.addValue(e.getValue().getOrDefault(t, 0), t.label(), column);
            }
        }
        return data;
    }

    /**
     * Plan summary data (SPEC §4–5): two series over the plan's matrices in order,
     * {@value #FULL_RANK_SERIES} (p = min(m, n)) and {@value #KEPT_RANK_SERIES} (k, equal to p when
     * the matrix stays dense). Categories are unique short labels.
     */
    public static DefaultCategoryDataset planRanks(Plan plan) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        Set<String> used = new HashSet<>();
        for (PlannedMatrix m : plan.matrices()) {
            String label = uniqueKey(shortLabel(new MatrixName(m.id(), m.layer(), m.module(), m.moduleName())), used);
            data.addValue(m.fullRank(), FULL_RANK_SERIES, label);
            data.addValue(m.rank(), KEPT_RANK_SERIES, label);
        }
        return data;
    }

    /** Series key of the full rank p in {@link #planRanks}. */
    public static final String FULL_RANK_SERIES = "full rank p";
    /** Series key of the kept rank k in {@link #planRanks}. */
    public static final String KEPT_RANK_SERIES = "kept rank k";

    /** {@code base}, or {@code base #2}, {@code base #3}… so category keys stay unique. */
    static String uniqueKey(String base, Set<String> used) {
        String key = base;
        for (int n = 2; !used.add(key); n++) {
            key = base + " #" + n;
        }
        return key;
    }
}
