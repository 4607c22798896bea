package dev.rankscope.analysis.report;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;

/** How report files are written: atomically, never over the checkpoint they describe. */
public final class ReportFiles {
    private ReportFiles() {
    }

    /**
     * An {@link AtomicFileWriter} that refuses to replace {@code analysis.source().path()}, so
     * {@code -o model.safetensors} by mistake cannot destroy the model.
     */
    public static AtomicFileWriter protecting(CheckpointAnalysis analysis) {
        try {
            return ProtectedInputs.writer(List.of(Path.of(analysis.source().path())));
        } catch (InvalidPathException notAPath) {
            return AtomicFileWriter.unprotected(); // e.g. a URL-like source label: nothing on disk to protect
        }
    }
}
