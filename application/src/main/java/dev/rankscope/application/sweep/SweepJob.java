package dev.rankscope.application.sweep;

import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;

/**
 * The checkpoint sweep: many checkpoints analysed as one series on this machine, with the long
 * table (CSV and Parquet), one {@code rankscope-analysis} JSON per checkpoint and, when asked,
 * update spectra and intruder counts ({@link SweepTask}). Each checkpoint goes through the
 * analysis step of {@link AnalyzeJob} ({@code SpectraTask}: spectrum cache, memory budget, failure
 * collection), in that job's environment. The CLI's {@code rankscope sweep} runs it; the Spark job
 * ({@code rankscope-spark}) distributes the same per-matrix work and the same pairwise work
 * ({@link SweepPairs}: pairs, matching, memory, computation, how results enter the rows) and writes
 * the same table ({@link SweepOutputs}, {@link SweepTable}).
 *
 * @param analyze the analysis job whose environment (engines, cache folder, memory, clock) the sweep uses
 */
public record SweepJob(AnalyzeJob analyze) implements Job<SweepParameters, SweepResult> {

    public SweepJob {
        if (analyze == null) {
            throw new IllegalArgumentException("the analysis job is required");
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
