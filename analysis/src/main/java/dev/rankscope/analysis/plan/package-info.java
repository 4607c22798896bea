/**
 * Plan exports and re-import (SPEC §5): {@link dev.rankscope.analysis.plan.PlanJson} (writer and
 * reader, {@code "format": "rankscope-plan", "version": 1}), {@link dev.rankscope.analysis.plan.PlanCsv},
 * {@link dev.rankscope.analysis.plan.PeftAdapterConfig} ({@code adapter_config.json}) and
 * {@link dev.rankscope.analysis.plan.FactorisedExport} (U/V safetensors with re-read verification;
 * {@link dev.rankscope.analysis.plan.FactorisedExportTask} runs it cancellably).
 *
 * <p>Every file is written through the engine's {@code AtomicFileWriter} (temporary file in the
 * target folder, then rename) and never over the plan's source checkpoint or another protected
 * input. Reading problems are {@link dev.rankscope.analysis.plan.PlanFileException}s naming the file.
 */
package dev.rankscope.analysis.plan;
