package dev.rankscope.engine.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AtomicFileWriterTest {

    @TempDir
    Path dir;

    private List<Path> listing(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.toList();
        }
    }

    @Test
    void replacesExistingContentAndCreatesParents() throws Exception {
        Path target = dir.resolve("out/sub/plan.json");
        AtomicFileWriter w = AtomicFileWriter.unprotected();
        w.writeStream(target, out -> out.write("first".getBytes(StandardCharsets.UTF_8)));
        w.writeBytes(target, "second".getBytes(StandardCharsets.UTF_8));
        assertEquals("second", Files.readString(target));
        assertEquals(List.of(target), listing(target.getParent()));
    }

    @Test
    void outputIsReadableByOthersOnPosix() throws Exception {
        Path target = dir.resolve("shared.csv");
        AtomicFileWriter.unprotected().writeBytes(target, new byte[] {1});
        if (Files.getFileStore(target).supportsFileAttributeView("posix")) {
            assertTrue(Files.getPosixFilePermissions(target).contains(PosixFilePermission.OTHERS_READ));
        }
    }

    @Test
    void uncheckedFailureInBodyRemovesTheTempFile() throws Exception {
        Path target = dir.resolve("x.bin");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AtomicFileWriter.unprotected().writeStream(target, out -> {
                    out.write(new byte[100_000]);
                    throw new IllegalStateException("boom");
                }));
        assertEquals("boom", e.getMessage());
        assertEquals(List.of(), listing(dir));
    }

    @Test
    void refusesFoldersAndProtectedInputs() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                () -> AtomicFileWriter.unprotected().writeBytes(folder, new byte[0]));
        assertEquals(CheckpointWriteException.Reason.REFUSED, e.reason());
        Path input = Files.writeString(dir.resolve("in.safetensors"), "x");
        AtomicFileWriter w = new AtomicFileWriter(List.of(dir.resolve("./in.safetensors")));
        e = assertThrows(CheckpointWriteException.class, () -> w.writeBytes(input, new byte[0]));
        assertTrue(e.userMessage().startsWith("in.safetensors:"), e.userMessage());
        assertEquals("x", Files.readString(input));
    }
}
