/**
 * Rank allocation under a parameter budget (SPEC §4): which rank to keep for each weight matrix
 * when factorising W ≈ U·V.
 *
 * <p>Entry point: {@link dev.rankscope.analysis.allocation.Allocator#plan Allocator.plan(inputs,
 * budget, scope, constraints, strategy)} → {@link dev.rankscope.analysis.allocation.Plan}.
 * <ul>
 *   <li>Inputs: {@link dev.rankscope.analysis.allocation.AllocationInput} per matrix (shape and full
 *   spectrum; optional erank / stable rank / α; optional calibration
 *   {@link dev.rankscope.analysis.allocation.ModuleStatistics} for
 *   {@link dev.rankscope.analysis.allocation.DataAwareSpectra}).</li>
 *   <li>Limits: {@link dev.rankscope.analysis.allocation.Budget} (kept fraction, parameters or
 *   bytes at a dtype, counted over eligible matrices only), {@link dev.rankscope.analysis.allocation.Scope}
 *   (which matrices are eligible), {@link dev.rankscope.analysis.allocation.Constraints} (min/max
 *   rank, alignment, dense option, exclusions; break-even always).</li>
 *   <li>Strategies: one {@link dev.rankscope.analysis.allocation.StrategyParameters} record each
 *   (uniform-params, uniform-rank, energy, global-optimal, effective-rank, WeLore, stable-rank,
 *   alpha, explained-variance) holding its parameters, validation, form
 *   ({@link dev.rankscope.analysis.allocation.StrategyDescription}) and allocation, listed in
 *   {@link dev.rankscope.analysis.allocation.StrategyRegistry}. All meet the budget and leave less
 *   unused than the cheapest remaining step.</li>
 *   <li>{@link dev.rankscope.analysis.allocation.StrategyComparison} runs up to four side by side.</li>
 * </ul>
 * Everything here is a pure function of its arguments (apart from the plan's creation time) and
 * safe to call from any thread; exports live in {@code dev.rankscope.analysis.plan}.
 */
package dev.rankscope.analysis.allocation;
