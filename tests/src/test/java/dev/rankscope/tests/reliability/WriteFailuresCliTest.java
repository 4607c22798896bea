package dev.rankscope.tests.reliability;

import dev.rankscope.tests.cli.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue item 6, end to end: a write that fails says the operating system's reason in its one
 * line, and an output folder that cannot be written fails the command before any computing.
 * A read-only folder is a read-only tmpfs when running as root (root ignores permissions) and
 * a folder without write permission otherwise; a full disk is a 64 KiB tmpfs (root only — the
 * reason wording is also covered with an injected failure in {@code AtomicFileWriterTest}).
 */
class WriteFailuresCliTest {
    @TempDir
    Path work;
    private final List<Path> mounts = new ArrayList<>();

    static String sample() {
        return Path.of(System.getProperty("rankscope.root", "..")).resolve("sample-checkpoints/tiny-llama").toString();
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Mounts a tmpfs at {@code dir}; false when this process may not mount. */
    private boolean tmpfs(Path dir, String options) throws Exception {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            return false;
        }
        mounts.add(dir);
        return true;
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounts) {
            new ProcessBuilder("umount", m.toString()).start().waitFor();
        }
    }

    private Path readOnlyFolder() throws Exception {
        Path ro = work.resolve("ro");
        if (root()) {
            Assumptions.assumeTrue(tmpfs(ro, "ro,size=64k"), "running as root without the right to mount a read-only tmpfs");
        } else {
            Files.createDirectories(ro);
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        return ro;
    }

    @Test
    void aReadOnlyOutputFolderFailsBeforeComputingAndSaysWhy() throws Exception {
        Path ro = readOnlyFolder();
        CliRun run = CliRun.of("analyze", sample(), "--no-cache", "--json", ro.resolve("a.json").toString());
        assertEquals(2, run.exitCode(), run.err());
        String reason = root() ? "read-only file system" : "permission denied";
        assertTrue(run.err().contains("rankscope: a.json: cannot write in " + ro + ": " + reason), run.err());
        assertFalse(run.err().contains("matrices in") || run.err().contains("% ("), "failed before computing:\n" + run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aFullDiskSaysNoSpaceLeftAndLeavesNothing() throws Exception {
        Assumptions.assumeTrue(root(), "a full disk is simulated with a tmpfs, which needs root");
        Path full = work.resolve("full");
        Assumptions.assumeTrue(tmpfs(full, "size=64k"), "this root may not mount a tmpfs");
        Path target = full.resolve("a.json"); // about 450 KB
        CliRun run = CliRun.of("analyze", sample(), "--no-cache", "--quiet", "--json", target.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("a.json: write failed: no space left on device"), run.err());
        try (Stream<Path> s = Files.list(full)) {
            assertEquals(List.of(), s.toList(), "no partial output, no temporary file");
        }
    }

    @Test
    void aFileWhereTheFolderShouldBeFailsFastToo() throws IOException {
        Path file = Files.writeString(work.resolve("not-a-folder"), "x");
        CliRun run = CliRun.of("analyze", sample(), "--no-cache", "--csv", file.resolve("a.csv").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("rankscope: a.csv: cannot write in " + file + ": "), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
