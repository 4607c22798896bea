package dev.rankscope.application.compensate;

import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The compensate use case (issue 16, SPEC §9), run unchanged by {@code rankscope compensate} and the
 * workbench's Quantize/Compensate tab: quantize a base model in-tool or read its quantized form,
 * measure the quantization error E = W − Ŵ of every paired matrix (spectrum, ‖E‖/‖W‖, effective and
 * energy ranks, activation-space figures with calibration statistics), choose compensation ranks
 * (one rank, a target error, or a budget through the SPEC §4 allocator), and export the compensation
 * as a PEFT LoRA adapter verified on reload. See {@link CompensateTask}.
 */
public final class CompensateJob implements Job<CompensateParameters, CompensateResult> {
    /** The job's name. */
    public static final String NAME = "compensate";

    private final Function<Path, TensorSource> checkpoints;
    private final Function<Backends.Preference, SvdBackend> backends;

    /** The production job: checkpoints by content, the SVD engine by preference. */
    public CompensateJob() {
        this(Checkpoints::open, Backends::select);
    }

    /** A job with its outside world replaced (tests). */
    public CompensateJob(Function<Path, TensorSource> checkpoints, Function<Backends.Preference, SvdBackend> backends) {
        this.checkpoints = checkpoints;
        this.backends = backends;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JobTask<CompensateResult> task(CompensateParameters parameters) {
        return new CompensateTask(parameters, checkpoints, backends);
    }
}
