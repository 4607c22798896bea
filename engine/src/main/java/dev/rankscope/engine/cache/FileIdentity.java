package dev.rankscope.engine.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Identity of the files behind a checkpoint: canonical path, size, modification time and (where the
 * file system has one) the file key. Any change to a file changes its identity, which invalidates
 * every cache entry made from it. Immutable.
 *
 * @param parts one {@code path|size|mtime|key} string per file, in the order given
 */
public record FileIdentity(List<String> parts) {
    public FileIdentity {
        parts = List.copyOf(parts);
    }

    /** Reads the identity of {@code files} (a sharded checkpoint has several). */
    public static FileIdentity of(List<Path> files) throws IOException {
        List<String> parts = new ArrayList<>();
        for (Path f : files) {
            parts.add(part(f));
        }
        return new FileIdentity(parts);
    }

    /**
     * One file's part, {@code realpath|size|mtime|key}: the modification time in nanoseconds
     * (as precise as the file system keeps it) and the file key (device and inode on Unix), so a
     * rewrite in place and a file renamed over this one both change it.
     */
    public static String part(Path file) throws IOException {
        Path real = file.toRealPath();
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
        return real + "|" + a.size() + "|" + a.lastModifiedTime().to(TimeUnit.NANOSECONDS) + "|" + a.fileKey();
    }

    /** A single string folding every part, used in cache keys. */
    public String fingerprint() {
        return String.join("\n", parts);
    }
}
