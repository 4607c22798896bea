/**
 * The application layer: one headless job per use case (analyze, intruders, plan, report,
 * calibrate, evaluate, compensate, sweep, subspaces), each a validated Parameters record → a
 * typed {@link dev.rankscope.application.job.JobTask} → an immutable Result, run unchanged by the
 * CLI, the workbench's ViewModels, batch runs and the Spark job. No JavaFX.
 */
package dev.rankscope.application;
