package dev.rankscope.views.compare;

import dev.rankscope.application.intruders.ComparisonInputs;

import dev.rankscope.analysis.intruders.IntruderListener;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.MitigatedCheckpoint;
import dev.rankscope.application.job.JobTask;

import java.nio.file.Path;

/**
 * The port through which the Compare tab reaches the engine and the intruder analysis (SPEC §3). {@link EngineCompareServices} implements it with the real readers, PEFT merge and SVD
 * backend; tests wrap the backend to count calls. Methods that read files are slow and are
 * called off the FX thread; tasks are returned unstarted.
 */
public interface CompareServices {

    /**
     * Opens a base checkpoint and a tuned side (a checkpoint file or folder, or a PEFT LoRA
     * adapter folder holding {@code adapter_config.json}) and pairs their matrices by name. Reads
     * headers only. Shape mismatches and one-sided names are listed in the pairing, not fatal.
     *
     * @throws dev.rankscope.engine.RankscopeException naming the file and the problem
     */
    ComparisonInputs open(Path base, Path tuned);

    /** True when {@code path} is a PEFT adapter folder (or a file inside one). Cheap; any thread. */
    boolean isAdapter(Path path);

    /** An unstarted task computing every pair's intruder result, streamed to {@code listener}. */
    IntruderTask intruderTask(ComparisonInputs inputs, IntruderListener listener);

    /**
     * An unstarted, cancellable task writing PEFT's mitigation (intruder directions at
     * {@code params} scaled by {@code lambda}) as a merged safetensors checkpoint at {@code target},
     * atomically, refusing to write onto or into either input; its result says what was scaled.
     */
    JobTask<MitigatedCheckpoint.Result> mitigationTask(ComparisonInputs inputs, IntruderParameters params, double lambda,
                                                       Path target);
}
