package dev.rankscope.application.sweep;

import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MemoryBudget;

/**
 * The checkpoint sweep (issue 17): many checkpoints analysed as one series on this machine, with
 * the long table (CSV), one {@code rankscope-analysis} JSON per checkpoint and, when asked, update
 * spectra and intruder counts ({@link SweepTask}). The CLI's {@code rankscope sweep} runs it; the
 * Spark job ({@code rankscope-spark}) distributes the same per-matrix work and writes the same
 * table columns ({@link SweepTable}).
 *
 * @param backend SVD engine
 * @param cache   spectrum cache shared with {@code analyze} and the workbench, or null for none
 * @param memory  memory admission control, or null for the runtime's ({@link MemoryBudget#fromRuntime()})
 */
public record SweepJob(SvdBackend backend, SpectrumCache cache, MemoryBudget memory) implements Job<SweepParameters, SweepResult> {

    public SweepJob {
        if (backend == null) {
            throw new IllegalArgumentException("an SVD backend is required");
        }
    }

    @Override
    public String name() {
        return "sweep";
    }

    @Override
    public JobTask<SweepResult> task(SweepParameters parameters) {
        return new SweepTask(this, parameters);
    }
}
