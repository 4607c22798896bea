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
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void temporaryFilesNameTheirWriter() throws Exception {
        Path target = dir.resolve("plan.json");
        Path[] seen = new Path[1];
        AtomicFileWriter.unprotected().write(target, ch -> {
            try (Stream<Path> s = Files.list(dir)) {
                seen[0] = s.filter(p -> p.getFileName().toString().endsWith(".rankscope-tmp")).findFirst().orElseThrow();
            }
        });
        assertTrue(seen[0].getFileName().toString().startsWith(".plan.json." + TempFiles.owner() + "."), seen[0].toString());
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void theNextWriteRemovesTemporaryFilesOfKilledWritersOnly() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = Files.writeString(dir.resolve(".a.json." + dead.pid() + "-0.k3j2.rankscope-tmp"), "partial");
        Path legacy = Files.writeString(dir.resolve(".b.json.8710804156924550091.rankscope-tmp"), "partial");
        Files.setLastModifiedTime(legacy, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Path live = Files.writeString(dir.resolve(".c.json." + TempFiles.owner() + ".zz.rankscope-tmp"), "mine");
        Path recentLegacy = Files.writeString(dir.resolve(".d.json.1234.rankscope-tmp"), "maybe live");
        Path foreign = Files.writeString(dir.resolve(".e.json.99-0.x.other-tmp"), "not ours");
        AtomicFileWriter.unprotected().writeBytes(dir.resolve("plan.json"), new byte[] {1});
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(legacy));
        assertTrue(Files.exists(live));
        assertTrue(Files.exists(recentLegacy));
        assertTrue(Files.exists(foreign));
    }

    @Test
    void aFailedWriteSaysTheOperatingSystemsReason() throws Exception {
        Path target = dir.resolve("plan.json");
        Files.writeString(target, "previous");
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class, () -> AtomicFileWriter.unprotected()
                .write(target, ch -> {
                    throw new IOException("No space left on device");
                }));
        assertEquals("plan.json: write failed: no space left on device", e.userMessage());
        assertEquals("previous", Files.readString(target));
        assertEquals(List.of(target), listing(dir));
    }

    @Test
    void reasonsUseTheSystemsWords() {
        assertEquals("read-only file system", AtomicFileWriter.reason(
                new java.nio.file.FileSystemException("/x", null, "Read-only file system")));
        assertEquals("too many open files", AtomicFileWriter.reason(
                new java.nio.file.FileSystemException("/x", null, "Too many open files")));
        assertEquals("permission denied", AtomicFileWriter.reason(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("no space left on device", AtomicFileWriter.reason(new IOException("No space left on device")));
    }

    @Test
    void checkWritableNamesTheFolderAndTouchesNothing() throws Exception {
        Path target = dir.resolve("out/plan.json");
        AtomicFileWriter.unprotected().checkWritable(target);
        assertEquals(List.of(), listing(dir.resolve("out")));
        Path file = Files.writeString(dir.resolve("file"), "x");
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                () -> AtomicFileWriter.unprotected().checkWritable(file.resolve("plan.json")));
        assertTrue(e.userMessage().startsWith("plan.json: cannot write in " + file + ": "), e.userMessage());
    }
}
