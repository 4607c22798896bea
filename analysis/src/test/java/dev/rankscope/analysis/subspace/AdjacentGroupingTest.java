package dev.rankscope.analysis.subspace;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AdjacentGroupingTest {

    @Test
    void mergesOnlyWhatSavesAndRespectsTheLargestGroup() {
        // layers 0–3 share a basis (any union of them costs 10 per layer + 10), layer 4 shares nothing
        AdjacentGrouping.Suggestion s = AdjacentGrouping.suggest(5, 3, r -> {
            int from = r[0];
            int to = r[1];
            if (to - from == 1) {
                return 30L;
            }
            return to <= 4 ? 10L * (to - from) + 10 : 30L * (to - from) + 5;
        });
        // greedy: (0,1) saves 30 first (ties go to the first pair), then (2,3) saves 30; joining the
        // two pairs would make a group of 4 > 3, and layer 4 never pays (60 − 65 < 0)
        assertEquals(3, s.groups().size());
        assertArrayEquals(new int[]{0, 2}, s.groups().get(0));
        assertArrayEquals(new int[]{2, 4}, s.groups().get(1));
        assertArrayEquals(new int[]{4, 5}, s.groups().get(2));
        assertEquals(150, s.aloneParams());
        assertEquals(30 + 30 + 30, s.params());
    }

    @Test
    void nothingMergesWhenSharingNeverSaves() {
        AdjacentGrouping.Suggestion s = AdjacentGrouping.suggest(4, 4, r -> 7L * (r[1] - r[0]) + (r[1] - r[0] > 1 ? 1 : 0));
        assertEquals(4, s.groups().size());
        assertEquals(28, s.params());
    }
}
