package dev.rankscope.application.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * A per-row value of the sweep's long table that the series charts plot against the step: every
 * metric column ({@link SweepColumns}, SPEC §1–2), the update metrics of ΔW (SPEC §10) and the
 * intruder count vs the first checkpoint (SPEC §3). NaN where a row has no value (a failed
 * matrix, no update computed, the first checkpoint). Immutable.
 *
 * @param name  the table's column name ({@code effective_rank}, {@code update_stable_rank}…)
 * @param value the value in one row
 */
public record SeriesQuantity(String name, ToDoubleFunction<SweepRow> value) {

    private static final List<SeriesQuantity> ALL = build();

    /** Every quantity: the metric columns in table order, then the update metrics, then intruders. */
    public static List<SeriesQuantity> all() {
        return ALL;
    }

    /**
     * The quantity named {@code name}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static SeriesQuantity named(String name) {
        return ALL.stream().filter(q -> q.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown series quantity '" + name + "'"));
    }

    /** The quantities with a finite value in at least one of {@code rows}, in {@link #all()} order. */
    public static List<SeriesQuantity> presentIn(List<SweepRow> rows) {
        return ALL.stream().filter(q -> rows.stream().anyMatch(r -> Double.isFinite(q.of(r)))).toList();
    }

    /** The value in {@code row} (NaN when it has none). */
    public double of(SweepRow row) {
        return value.applyAsDouble(row);
    }

    /** True for the update metrics and the intruder count (computed only when asked). */
    public boolean isPairwise() {
        return name.startsWith("update_") || name.equals("intruders_vs_first");
    }

    @Override
    public String toString() {
        return name;
    }

    private static List<SeriesQuantity> build() {
        List<SeriesQuantity> out = new ArrayList<>();
        for (SweepColumns.Metric m : SweepColumns.all()) {
            out.add(new SeriesQuantity(m.name(), r -> r.metric(m)));
        }
        out.add(new SeriesQuantity("update_relative_norm", r -> r.update() == null ? Double.NaN : r.update().relativeNorm()));
        out.add(new SeriesQuantity("update_effective_rank", r -> r.update() == null ? Double.NaN : r.update().effectiveRank()));
        out.add(new SeriesQuantity("update_stable_rank", r -> r.update() == null ? Double.NaN : r.update().stableRank()));
        out.add(new SeriesQuantity("update_rank_at_energy_0.9", r -> r.update() == null ? Double.NaN : r.update().rankAt90()));
        out.add(new SeriesQuantity("intruders_vs_first", r -> r.intruders() == null ? Double.NaN : r.intruders()));
        return List.copyOf(out);
    }
}
