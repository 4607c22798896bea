package dev.rankscope.application.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.plan.PeftAdapterConfig;
import dev.rankscope.analysis.plan.PeftParameters;
import dev.rankscope.analysis.plan.PlanCsv;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.io.AtomicFileWriter;

import java.nio.file.Path;

/**
 * The text exports of a plan (SPEC §5), written the same way by {@code plan --json/--csv/--peft}
 * and by the Budget tab's exports: same bytes for the same plan. Atomic, through a writer that
 * protects the run's inputs ({@link dev.rankscope.engine.io.ProtectedInputs}). Any thread.
 */
public final class PlanExports {
    private PlanExports() {
    }

    /** One text export. */
    public enum Format {
        /** The rankscope-plan JSON. */
        JSON,
        /** One CSV row per matrix. */
        CSV,
        /** A PEFT {@code adapter_config.json} with these ranks (default PEFT parameters). */
        PEFT
    }

    /** Writes {@code plan} as {@code format} to {@code target} through {@code files}. */
    public static void write(Plan plan, Format format, Path target, AtomicFileWriter files) {
        switch (format) {
            case JSON -> PlanJson.write(plan, target, files);
            case CSV -> PlanCsv.write(plan, target, files);
            case PEFT -> PeftAdapterConfig.write(plan, PeftParameters.defaults(), target, files);
            default -> throw new IllegalStateException(format.name());
        }
    }
}
