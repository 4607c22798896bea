package dev.rankscope.application.plan;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.application.job.JobParameters;
import dev.rankscope.engine.linalg.Backends;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One planning run (SPEC §4–5): the checkpoint, the strategy (or up to
 * {@link StrategyComparison#MAX_STRATEGIES} to compare), budget, scope and constraints, optional
 * calibration statistics, the engine, and the exports. Validated here; a bad combination is an
 * {@link IllegalArgumentException} whose message is the user's sentence.
 *
 * @param checkpoint  checkpoint file, folder or sharded index
 * @param strategies  the strategy to plan with, or the strategies to compare
 * @param compare     print a comparison of {@code strategies} instead of one plan
 * @param budget      parameter or byte budget
 * @param scope       which matrices are eligible
 * @param constraints rank bounds and rounding
 * @param stats       calibration statistics (safetensors), or null
 * @param statsMethod how statistics weight the spectra (used with {@code stats})
 * @param engine      SVD engine
 * @param threads     matrices decomposed at once (0: automatic)
 * @param useCache    read and write the spectrum cache
 * @param json        plan JSON to write, or null
 * @param csv         plan CSV to write, or null
 * @param peft        PEFT adapter_config.json to write, or null
 * @param factorized  factorised safetensors to write and verify, or null
 * @param fusedParts  budget the q/k/v parts of fused projections (SPEC §7) each on its own, in place
 *                    of the fused matrix
 */
public record PlanParameters(Path checkpoint, List<StrategyParameters> strategies, boolean compare, Budget budget,
                             Scope scope, Constraints constraints, Path stats, DataAwareParameters statsMethod,
                             Backends.Preference engine, int threads, boolean useCache, Path json, Path csv, Path peft,
                             Path factorized, boolean fusedParts) implements JobParameters {
    public PlanParameters {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(budget, "budget");
        scope = scope == null ? Scope.defaults() : scope;
        Objects.requireNonNull(constraints, "constraints");
        strategies = List.copyOf(strategies);
        engine = engine == null ? Backends.Preference.AUTO : engine;
        if (strategies.isEmpty() || strategies.size() > StrategyComparison.MAX_STRATEGIES) {
            throw new IllegalArgumentException("--compare takes 1 to " + StrategyComparison.MAX_STRATEGIES
                    + " strategies, got " + strategies.size());
        }
        if (!compare && strategies.size() != 1) {
            throw new IllegalArgumentException("one strategy makes a plan; compare several with --compare");
        }
        if (factorized != null && compare) {
            throw new IllegalArgumentException("--compare prints a comparison only; export one --strategy at a time");
        }
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be 0 (automatic) or positive");
        }
        statsMethod = statsMethod == null ? DataAwareParameters.of(DataAwareParameters.Method.SVD_LLM_WHITENING) : statsMethod;
    }

    /** Matrices decomposed at once: {@link #threads()} or the engine's default. */
    public int parallelism() {
        return threads == 0 ? dev.rankscope.engine.spectrum.SpectrumTask.defaultParallelism() : threads;
    }
}
