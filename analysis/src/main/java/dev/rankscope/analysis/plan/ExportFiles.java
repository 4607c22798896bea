package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.engine.io.AtomicFileWriter;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Protection policy shared by the plan exporters: the caller's inputs plus the plan's source checkpoint. */
final class ExportFiles {
    private ExportFiles() {
    }

    /** {@code files} extended so it also refuses to overwrite the checkpoint the plan was made for. */
    static AtomicFileWriter protecting(AtomicFileWriter files, Plan plan) {
        if (plan.source().path().isEmpty()) {
            return files;
        }
        List<Path> inputs = new ArrayList<>(files.protectedInputs());
        inputs.add(Path.of(plan.source().path()));
        return new AtomicFileWriter(inputs);
    }
}
