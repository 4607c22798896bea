package dev.rankscope.analysis.plan;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;

/**
 * Writes a file all-or-nothing: into a temporary file in the target's folder, then an atomic
 * rename over the target (SPEC §5 exports). Refuses to write over any of the given input paths.
 *
 * <p>Local helper until the shared {@code engine.io.AtomicFileWriter} (branch h/io) lands on
 * main; then this should delegate to it.
 */
final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the body of a file. */
    @FunctionalInterface
    interface Body {
        void write(OutputStream out) throws IOException;
    }

    static void write(Path target, Collection<Path> inputs, Body body) {
        refuseInputs(target, inputs);
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp))) {
                body.write(out);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new PlanFileException(target, PlanFileException.Kind.WRITE_FAILED,
                    "cannot be written (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    static void writeBytes(Path target, Collection<Path> inputs, byte[] bytes) {
        write(target, inputs, out -> out.write(bytes));
    }

    /** Throws when {@code target} names the same file as one of {@code inputs}. */
    static void refuseInputs(Path target, Collection<Path> inputs) {
        Path t = target.toAbsolutePath().normalize();
        for (Path in : inputs) {
            if (in == null) {
                continue;
            }
            Path i = in.toAbsolutePath().normalize();
            boolean same = t.equals(i);
            if (!same && Files.exists(t) && Files.exists(i)) {
                try {
                    same = Files.isSameFile(t, i);
                } catch (IOException e) {
                    same = false;
                }
            }
            if (same) {
                throw new PlanFileException(target, PlanFileException.Kind.WOULD_OVERWRITE_INPUT,
                        "is an input of this export; choose another output path (Rankscope never overwrites inputs)");
            }
        }
    }
}
