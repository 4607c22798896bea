package dev.rankscope.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * Supplies replacement weights per linear module (a compressed model). Asked once per module per
 * forward pass, just before the module runs, so a replacement can be built lazily (and dropped
 * after) to keep memory at one layer. Called on the forward pass's thread.
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

    /** Replacements from a map keyed by module name (eager; fine for small models and tests). */
    static WeightOverride of(Map<String, ? extends LinearReplacement> byName) {
        Map<String, LinearReplacement> copy = Map.copyOf(byName);
        return module -> Optional.ofNullable(copy.get(module.name()));
    }
}
