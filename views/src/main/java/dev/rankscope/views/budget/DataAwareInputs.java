package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.application.workbench.OpenedCheckpoint;

import java.util.List;

/**
 * Turns a plan's weights-only inputs into data-aware ones (σ(W·S), SPEC §4) with the provenance
 * the plan records; supplied by the calibration ({@link ModelLoopViewModel}) once statistics are
 * loaded. Called on the plan's worker thread.
 */
@FunctionalInterface
public interface DataAwareInputs {
    DataAwareTransforms.Applied apply(OpenedCheckpoint checkpoint, List<AllocationInput> inputs);
}
