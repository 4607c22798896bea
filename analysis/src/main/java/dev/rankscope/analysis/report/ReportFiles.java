package dev.rankscope.analysis.report;

import dev.rankscope.engine.io.AtomicFileWriter;

import java.nio.file.Path;
import java.util.List;

/** Write policy of the report exporters: atomic writes that refuse to overwrite the analysed checkpoint (issue 8). */
final class ReportFiles {
    private ReportFiles() {
    }

    /** A writer protecting {@code analysis}'s source checkpoint (file or folder). */
    static AtomicFileWriter protecting(CheckpointAnalysis analysis) {
        String source = analysis.source().path();
        return source.isEmpty() ? AtomicFileWriter.unprotected() : new AtomicFileWriter(List.of(Path.of(source)));
    }
}
