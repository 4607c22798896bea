package dev.rankscope.application.sweep;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeriesMatchingTest {

    private static Map<String, int[]> shapes(Object... idRowsCols) {
        Map<String, int[]> m = new LinkedHashMap<>();
        for (int i = 0; i < idRowsCols.length; i += 3) {
            m.put((String) idRowsCols[i], new int[] {(Integer) idRowsCols[i + 1], (Integer) idRowsCols[i + 2]});
        }
        return m;
    }

    @Test
    void comparesWhatMatchesAndListsTheRest() {
        SeriesMatching s = new SeriesMatching(java.util.Arrays.asList(
                shapes("a", 4, 8, "b", 8, 8, "c", 2, 2),
                shapes("a", 4, 8, "b", 8, 16, "d", 3, 3),
                null,
                shapes("a", 4, 8, "b", 8, 8, "c", 2, 2)));
        assertEquals(List.of("a"), s.comparable(0, 1));
        assertEquals(List.of("a", "b", "c"), s.comparable(0, 3));
        assertEquals(List.of(), s.comparable(0, 2), "a checkpoint that did not open compares nothing");
        List<String> labels = List.of("s0", "s1", "s2", "s3");
        assertEquals(List.of(
                "b: shape differs from 8×8 in s1 (8×16); compared only where it matches",
                "c: missing from s1; compared only where it matches",
                "d: not in s0 (the first checkpoint); missing from s0, s3; not compared with the first"),
                s.unmatched(labels));
    }

    @Test
    void uniformSeriesHasNothingUnmatched() {
        SeriesMatching s = new SeriesMatching(List.of(shapes("a", 4, 8), shapes("a", 4, 8)));
        assertEquals(List.of(), s.unmatched(List.of("x", "y")));
    }
}
