package dev.rankscope.views.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Open Recent list's rule: most recent first, no duplicates (paths compared after
 * normalisation), at most {@link #MAX} entries. Pure.
 */
public final class RecentFiles {
    /** Entries kept in File ▸ Open Recent. */
    public static final int MAX = 10;

    private RecentFiles() {
    }

    /** {@code current} with {@code opened} moved (or added) to the front, trimmed to {@link #MAX}. */
    public static List<Path> touch(List<Path> current, Path opened) {
        Path key = opened.toAbsolutePath().normalize();
        List<Path> out = new ArrayList<>();
        out.add(key);
        for (Path p : current) {
            if (out.size() >= MAX) {
                break;
            }
            if (!p.toAbsolutePath().normalize().equals(key)) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }
}
