package dev.rankscope.app.cli;

import dev.rankscope.engine.io.AtomicFileWriter;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The files one CLI command writes: every requested target is checked against the command's
 * inputs and for a writable folder before any work starts (an export aimed at an input, or into a
 * read-only or full folder, fails fast with exit 2 and the reason, the input untouched), then written atomically through {@link AtomicFileWriter} and announced with
 * {@code "rankscope: wrote FILE"} on stderr unless {@code --quiet}.
 */
final class OutputFiles {
    private final AtomicFileWriter writer;
    private final PrintWriter err;
    private final boolean quiet;

    private OutputFiles(AtomicFileWriter writer, PrintWriter err, boolean quiet) {
        this.writer = writer;
        this.err = err;
        this.quiet = quiet;
    }

    /**
     * @param inputs  files and folders that must never be written over (the checkpoint's files, …)
     * @param targets the requested outputs; null entries (options not given) are skipped
     * @throws dev.rankscope.engine.io.CheckpointWriteException when a target is an input or its folder cannot be written
     */
    static OutputFiles protecting(Collection<Path> inputs, PrintWriter err, boolean quiet, Path... targets) {
        AtomicFileWriter writer = new AtomicFileWriter(inputs);
        for (Path target : targets) {
            if (target != null) {
                writer.checkWritable(target);
            }
        }
        return new OutputFiles(writer, err, quiet);
    }

    /** The writer, for exporters that write through it themselves. */
    AtomicFileWriter writer() {
        return writer;
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically and announces it. */
    void writeText(Path target, String text) {
        writer.writeBytes(target, text.getBytes(StandardCharsets.UTF_8));
        wrote(target);
    }

    /** Announces a file an exporter wrote through {@link #writer()}. */
    void wrote(Path target) {
        if (!quiet) {
            err.println("rankscope: wrote " + target);
        }
    }
}
