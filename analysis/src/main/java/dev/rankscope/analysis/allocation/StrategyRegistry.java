package dev.rankscope.analysis.allocation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The allocation strategies on offer, in menu order (SPEC §4). {@link #standard()} is the one
 * place that lists the built-in strategies; {@link #with} adds one (a test's, or a plug-in's)
 * without touching anything else: the Budget tab's picker and form, {@code plan --strategy} and
 * {@code --param}, and plan import all go through a registry. Immutable; any thread.
 */
public final class StrategyRegistry {
    private static final StrategyRegistry STANDARD = new StrategyRegistry(List.of(
            UniformParamsParameters.DESCRIPTION,
            UniformRankParameters.DESCRIPTION,
            EnergyParameters.DESCRIPTION,
            GlobalOptimalParameters.DESCRIPTION,
            EffectiveRankParameters.DESCRIPTION,
            WeLoreParameters.DESCRIPTION,
            StableRankParameters.DESCRIPTION,
            AlphaParameters.DESCRIPTION,
            ExplainedVarianceParameters.DESCRIPTION));

    private final Map<String, StrategyDescription> byName = new LinkedHashMap<>();

    private StrategyRegistry(List<StrategyDescription> descriptions) {
        for (StrategyDescription d : descriptions) {
            if (byName.put(d.name(), d) != null) {
                throw new IllegalArgumentException("strategy '" + d.name() + "' is registered twice");
            }
        }
    }

    /** The built-in strategies of SPEC §4. */
    public static StrategyRegistry standard() {
        return STANDARD;
    }

    /**
     * This registry plus {@code description}, last in menu order.
     *
     * @throws IllegalArgumentException when the name is taken
     */
    public StrategyRegistry with(StrategyDescription description) {
        List<StrategyDescription> all = new ArrayList<>(byName.values());
        all.add(description);
        return new StrategyRegistry(all);
    }

    /** Every strategy, in menu order. */
    public List<StrategyDescription> descriptions() {
        return List.copyOf(byName.values());
    }

    /** Every strategy name, in menu order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** The strategy with this name, if registered. */
    public Optional<StrategyDescription> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * The strategy with this name.
     *
     * @throws IllegalArgumentException naming the known strategies
     */
    public StrategyDescription description(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown allocation strategy '" + name
                + "' (known: " + String.join(", ", names()) + ")"));
    }

    /** The default parameters of the named strategy. */
    public StrategyParameters defaults(String name) {
        return description(name).defaults();
    }
}
