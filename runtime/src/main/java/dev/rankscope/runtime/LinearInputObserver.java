package dev.rankscope.runtime;

import java.util.List;

/**
 * Sees the input activations of every linear module (calibration, SPEC §8: {@code input_gram}
 * Σxxᵀ and {@code input_absmean}). Called on the forward pass's thread, in model order.
 */
public interface LinearInputObserver {

    /** Observes nothing. */
    LinearInputObserver NONE = (modules, input) -> { };

    /**
     * The input of {@code modules} — one call per group of modules that read the same
     * activations (q/k/v, gate/up; a fused GPT-2 {@code c_attn} is one module) — for every token
     * of the batch: {@code input} is tokens × {@code modules.get(0).inFeatures()}, row-major,
     * float32. A read-only view valid only during this call.
     */
    void observe(List<LinearModule> modules, FloatMatrix input);

    /**
     * Block {@code layer} has run (every module of it has been observed); a calibrator may flush
     * that layer's statistics here to bound memory. Default: nothing.
     */
    default void layerFinished(int layer) {
    }
}
