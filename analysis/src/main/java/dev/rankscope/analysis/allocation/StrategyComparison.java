package dev.rankscope.analysis.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Up to four strategies run at one budget, side by side (SPEC §4): total discarded energy, overall
 * relative error and a per-layer error curve for each. Pure; what the workbench's comparison
 * chart and the CLI's {@code --compare} table show.
 *
 * @param budget  the shared budget
 * @param entries one per strategy, in the order asked
 */
public record StrategyComparison(Budget budget, List<Entry> entries) {
    /** Most strategies compared at once. */
    public static final int MAX_STRATEGIES = 4;

    public StrategyComparison {
        Objects.requireNonNull(budget, "budget");
        entries = List.copyOf(entries);
    }

    /**
     * One strategy's outcome.
     *
     * @param strategy                  its parameters
     * @param plan                      the full plan
     * @param discardedEnergy           Σ E_l(k_l) over eligible matrices
     * @param normalisedDiscardedEnergy Σ E_l(k_l)/‖W_l‖² over eligible matrices
     * @param relativeError             sqrt(Σ E_l / Σ ‖W_l‖²) over eligible matrices
     * @param layers                    per-layer curve, ascending layer (−1 = outside the blocks)
     */
    public record Entry(StrategyParameters strategy, Plan plan, double discardedEnergy,
                        double normalisedDiscardedEnergy, double relativeError, List<LayerError> layers) {
        public Entry {
            layers = List.copyOf(layers);
        }
    }

    /**
     * Error of one layer's eligible matrices together.
     *
     * @param layer           block index (−1 for matrices outside the blocks)
     * @param relativeError   sqrt(Σ E / Σ ‖W‖²) over the layer's eligible matrices
     * @param discardedEnergy Σ E over them
     * @param keptParams      their kept parameters
     */
    public record LayerError(int layer, double relativeError, double discardedEnergy, long keptParams) {
    }

    /**
     * Runs each strategy with {@link Allocator#plan} and summarises.
     *
     * @throws IllegalArgumentException when no strategy or more than {@link #MAX_STRATEGIES} are given
     * @throws AllocationException      as {@link Allocator#plan} does
     */
    public static StrategyComparison compare(List<AllocationInput> inputs, Budget budget, Scope scope,
                                             Constraints constraints, List<StrategyParameters> strategies) {
        if (strategies.isEmpty() || strategies.size() > MAX_STRATEGIES) {
            throw new IllegalArgumentException("compare 1 to " + MAX_STRATEGIES + " strategies, got " + strategies.size());
        }
        List<Entry> entries = new ArrayList<>();
        for (StrategyParameters s : strategies) {
            entries.add(summarise(Allocator.plan(inputs, budget, scope, constraints, s)));
        }
        return new StrategyComparison(budget, entries);
    }

    /** Summarises an existing plan (also used for re-imported plans). */
    public static Entry summarise(Plan plan) {
        double discarded = 0;
        double normalised = 0;
        double energy = 0;
        Map<Integer, double[]> perLayer = new TreeMap<>();   // {E, ‖W‖², kept}
        for (PlannedMatrix m : plan.matrices()) {
            if (!m.eligible()) {
                continue;
            }
            double e = m.discardedEnergy();
            discarded += e;
            normalised += m.relativeError() * m.relativeError();
            energy += m.totalEnergy();
            double[] acc = perLayer.computeIfAbsent(Math.max(-1, m.layer()), k -> new double[3]);
            acc[0] += e;
            acc[1] += m.totalEnergy();
            acc[2] += m.paramsAfter();
        }
        List<LayerError> layers = new ArrayList<>();
        for (Map.Entry<Integer, double[]> en : perLayer.entrySet()) {
            double[] a = en.getValue();
            layers.add(new LayerError(en.getKey(), a[1] == 0 ? 0 : Math.sqrt(a[0] / a[1]), a[0], (long) a[2]));
        }
        return new Entry(plan.strategy(), plan, discarded, normalised, energy == 0 ? 0 : Math.sqrt(discarded / energy),
                layers);
    }
}
