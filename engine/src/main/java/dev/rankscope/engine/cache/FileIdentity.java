package dev.rankscope.engine.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

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
            Path real = f.toRealPath();
            BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
            parts.add(real + "|" + a.size() + "|" + a.lastModifiedTime().toMillis() + "|" + a.fileKey());
        }
        return new FileIdentity(parts);
    }

    /** A single string folding every part, used in cache keys. */
    public String fingerprint() {
        return String.join("\n", parts);
    }
}
