package dev.rankscope.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * Supplies replacement weights per linear module (a compressed model) and, for a quantized model,
 * per embedding table ({@link ModelRuntime#embeddingTables()}). A linear replacement is asked once
 * per module per forward pass, just before the module runs, so it can be built lazily (and dropped
 * after) to keep memory at one layer; a table is asked once per pass and used for every lookup
 * (and for the LM head when the head is tied to it). Called on the forward pass's thread.
 */
@FunctionalInterface
public interface WeightOverride {

    /** No replacements: the checkpoint's own weights. */
    WeightOverride NONE = module -> Optional.empty();

    /**
     * The replacement for {@code module}, or empty to use the checkpoint's weight. Its shape must
     * equal the module's stored shape, else the forward pass fails naming the module.
     */
    Optional<LinearReplacement> replacement(LinearModule module);

    /**
     * The replacement of embedding table {@code tensor} (its full tensor name, one of
     * {@link ModelRuntime#embeddingTables()}): row-major values of the table's shape, read by every
     * lookup of the pass and by a tied LM head; empty (the default) to use the checkpoint's table.
     * A table whose length differs from the tensor's fails the pass naming it. Not copied: the
     * caller must not change it during a pass.
     */
    default Optional<float[]> table(String tensor) {
        return Optional.empty();
    }

    /** Replacements from a map keyed by module name (eager; fine for small models and tests). */
    static WeightOverride of(Map<String, ? extends LinearReplacement> byName) {
        return of(byName, Map.of());
    }

    /**
     * Replacements of linear modules keyed by module name and of embedding tables keyed by tensor
     * name (eager; the maps are copied, the arrays are not).
     */
    static WeightOverride of(Map<String, ? extends LinearReplacement> byName, Map<String, float[]> tables) {
        Map<String, LinearReplacement> modules = Map.copyOf(byName);
        Map<String, float[]> tableCopy = Map.copyOf(tables);
        return new WeightOverride() {
            @Override
            public Optional<LinearReplacement> replacement(LinearModule module) {
                return Optional.ofNullable(modules.get(module.name()));
            }

            @Override
            public Optional<float[]> table(String tensor) {
                return Optional.ofNullable(tableCopy.get(tensor));
            }
        };
    }
}
