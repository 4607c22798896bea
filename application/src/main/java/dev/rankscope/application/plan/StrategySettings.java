package dev.rankscope.application.plan;

import dev.rankscope.analysis.allocation.StrategyDescription;
import dev.rankscope.analysis.allocation.StrategyParameters;

import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Named strategy-parameter settings ({@code objective=raw}, {@code lrc_drop_share=0.3}) applied to
 * the strategies of a plan or comparison, as {@code plan --param NAME=VALUE} gives them: each
 * setting goes to every strategy whose {@link StrategyDescription} has a parameter of that name
 * (camelCase, snake_case or kebab-case); a name no strategy has is refused, naming the valid ones.
 */
public final class StrategySettings {
    private StrategySettings() {
    }

    /**
     * The strategies with {@code values} applied.
     *
     * @throws IllegalArgumentException {@code "for <strategy>: <problem>"} when a strategy's parameter
     *                                  rejects a value, or {@code "unknown parameter 'x' (valid: …)"}
     */
    public static List<StrategyParameters> apply(List<StrategyParameters> strategies, Map<String, String> values) {
        List<StrategyParameters> out = new ArrayList<>();
        for (StrategyParameters p : strategies) {
            StrategyDescription d = p.description();
            Map<String, String> own = new LinkedHashMap<>();
            values.forEach((k, v) -> d.parameter(k).ifPresent(sp -> own.put(k, v)));
            try {
                out.add(own.isEmpty() ? p : d.with(p, own));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("for " + d.name() + ": " + e.getMessage(), e);
            }
        }
        for (String k : values.keySet()) {
            if (strategies.stream().noneMatch(p -> p.description().parameter(k).isPresent())) {
                List<String> valid = new ArrayList<>();
                strategies.forEach(p -> valid.add(p.strategyName() + ": " + p.description().keys()));
                throw new IllegalArgumentException("unknown parameter '" + k + "' (valid: " + String.join("; ", valid) + ")");
            }
        }
        return out;
    }
}
