package dev.rankscope.tests.hostile;

import dev.rankscope.engine.tensor.CheckpointFormatException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The fuzzing property of the hostile-input suite, shared by every fuzz target: any bytes either open (and then
 * listing and reading every tensor succeeds or throws {@link CheckpointFormatException}) or fail
 * with {@link CheckpointFormatException}. Every other throwable — another RuntimeException, an
 * OutOfMemoryError, a StackOverflowError — escapes to the fuzzer as a finding; hangs are caught by
 * the per-input timeout.
 *
 * <p>One instance owns one scratch folder, reused (overwritten) for every input; not thread-safe
 * (Jazzer runs a target on one thread).
 */
final class FuzzTargets implements AutoCloseable {
    private final Path dir;

    FuzzTargets(String name) {
        try {
            this.dir = Files.createTempDirectory("rankscope-fuzz-" + name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The scratch folder (for targets that place companion files, e.g. shards next to an index). */
    Path dir() {
        return dir;
    }

    /** Writes {@code data} as {@code fileName} in the scratch folder and returns its path. */
    Path write(String fileName, byte[] data) {
        Path p = dir.resolve(fileName);
        try {
            Files.write(p, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Checks the property for {@code data} saved as {@code fileName} and opened through the registry. */
    void openListRead(String fileName, byte[] data) {
        Path p = write(fileName, data);
        expectCleanOutcome(() -> Probe.openListRead(p));
    }

    /** Runs {@code action}; a {@link CheckpointFormatException} is a clean refusal, anything else escapes. */
    static void expectCleanOutcome(Runnable action) {
        try {
            action.run();
        } catch (CheckpointFormatException refused) {
            if (refused.userMessage() == null || refused.userMessage().isBlank()) {
                throw new AssertionError("refusal without a message", refused);
            }
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
