package dev.rankscope.application.sweep;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The metric columns of the sweep's long table (one row per checkpoint × matrix), with the
 * names {@code rankscope analyze --csv} uses (SPEC §1–2). Every metric is carried as a double
 * (integers exactly; null/absent as NaN); {@link Metric#integer()} says how CSV prints it and
 * which Parquet type it gets. Immutable, thread-safe.
 */
public final class SweepColumns {

    /**
     * One metric column.
     *
     * @param name    column name
     * @param integer true for counts (numerical rank, r(τ), spikes)
     * @param value   the metric of an analysed matrix (NaN when it has none, e.g. no power-law fit)
     */
    public record Metric(String name, boolean integer, ToDoubleFunction<MatrixAnalysis> value) {
    }

    private static final List<Metric> ALL = List.of(
            ranks("effective_rank", RankMetrics::effectiveRank),
            ranks("energy_effective_rank", RankMetrics::energyEffectiveRank),
            ranks("stable_rank", RankMetrics::stableRank),
            count("numerical_rank", a -> a.ranks().numericalRank()),
            count("rank_at_energy_0.9", a -> a.ranks().rankAt90()),
            count("rank_at_energy_0.95", a -> a.ranks().rankAt95()),
            count("rank_at_energy_0.99", a -> a.ranks().rankAt99()),
            ranks("spectral_entropy", RankMetrics::spectralEntropy),
            powerLaw("alpha", PowerLawFit::alpha),
            powerLaw("alpha_weighted", PowerLawFit::alphaWeighted),
            powerLaw("xmin", PowerLawFit::xmin),
            powerLaw("ks_distance", PowerLawFit::ksDistance),
            mp("mp_softrank", MarchenkoPasturFit::softRank, false),
            mp("mp_num_spikes", f -> f.numSpikes(), true),
            ranks("spectral_norm", RankMetrics::spectralNorm),
            ranks("frobenius_norm", RankMetrics::frobeniusNorm),
            ranks("nuclear_norm", RankMetrics::nuclearNorm),
            ranks("condition_number", RankMetrics::conditionNumber),
            ranks("log_norm", RankMetrics::logNorm),
            ranks("log_spectral_norm", RankMetrics::logSpectralNorm));

    private static final Map<String, Metric> BY_NAME = new LinkedHashMap<>();

    static {
        ALL.forEach(m -> BY_NAME.put(m.name(), m));
    }

    private SweepColumns() {
    }

    /** Every metric column, in table order. */
    public static List<Metric> all() {
        return ALL;
    }

    /** Every metric name, in table order. */
    public static List<String> names() {
        return ALL.stream().map(Metric::name).toList();
    }

    /**
     * The metrics named in {@code names} (table order kept), or all of them for an empty list.
     *
     * @throws IllegalArgumentException naming an unknown metric and listing the known ones
     */
    public static List<Metric> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return ALL;
        }
        for (String n : names) {
            if (!BY_NAME.containsKey(n)) {
                throw new IllegalArgumentException("unknown metric '" + n + "'; known: " + String.join(", ", names()));
            }
        }
        List<Metric> out = new ArrayList<>();
        for (Metric m : ALL) {
            if (names.contains(m.name())) {
                out.add(m);
            }
        }
        return out;
    }

    /** Every metric of {@code a}, aligned with {@link #all()}. */
    public static double[] values(MatrixAnalysis a) {
        double[] out = new double[ALL.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALL.get(i).value().applyAsDouble(a);
        }
        return out;
    }

    /** Position of {@code metric} in {@link #all()}. */
    public static int indexOf(Metric metric) {
        return ALL.indexOf(metric);
    }

    private static Metric ranks(String name, ToDoubleFunction<RankMetrics> f) {
        return new Metric(name, false, a -> f.applyAsDouble(a.ranks()));
    }

    private static Metric count(String name, ToDoubleFunction<MatrixAnalysis> f) {
        return new Metric(name, true, f);
    }

    private static Metric powerLaw(String name, ToDoubleFunction<PowerLawFit> f) {
        return new Metric(name, false, a -> a.powerLaw() == null ? Double.NaN : f.applyAsDouble(a.powerLaw()));
    }

    private static Metric mp(String name, Function<MarchenkoPasturFit, Number> f, boolean integer) {
        return new Metric(name, integer, a -> a.mp() == null ? Double.NaN : f.apply(a.mp()).doubleValue());
    }
}
