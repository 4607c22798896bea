package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;

import java.nio.file.Path;

/** Protection policy shared by the plan exporters: the caller's inputs plus the plan's source checkpoint. */
final class ExportFiles {
    private ExportFiles() {
    }

    /** {@code files} extended so it also refuses to overwrite the checkpoint the plan was made for. */
    static AtomicFileWriter protecting(AtomicFileWriter files, Plan plan) {
        if (plan.source().path().isEmpty()) {
            return files;
        }
        return ProtectedInputs.adding(files, Path.of(plan.source().path()));
    }
}
