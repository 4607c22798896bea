package dev.rankscope.views.model;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RecentFilesTest {
    @Test
    void mostRecentFirstWithoutDuplicatesCapped() {
        List<Path> list = List.of();
        for (int i = 0; i < RecentFiles.MAX + 5; i++) {
            list = RecentFiles.touch(list, Path.of("/m/f" + i));
        }
        assertEquals(RecentFiles.MAX, list.size());
        assertEquals(Path.of("/m/f" + (RecentFiles.MAX + 4)), list.get(0));
        List<Path> again = RecentFiles.touch(list, Path.of("/m/x/../f" + (RecentFiles.MAX + 1)));
        assertEquals(Path.of("/m/f" + (RecentFiles.MAX + 1)), again.get(0));
        assertEquals(RecentFiles.MAX, again.size());
        assertEquals(new ArrayList<>(new java.util.LinkedHashSet<>(again)), again);
    }
}
