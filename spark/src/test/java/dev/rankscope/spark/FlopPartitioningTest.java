package dev.rankscope.spark;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlopPartitioningTest {

    private static WorkUnit unit(String id, int m, int n) {
        return WorkUnit.spectrum(new WorkUnit.Checkpoint(0, "/x", "x", "i"), id, m, n);
    }

    @Test
    void costIsGramPlusEigenFlops() {
        assertEquals(4096.0 * 4096 * 4096 * 2, FlopPartitioning.cost(4096, 4096));
        // q·p² + p³ with p = 4096, q = 11008, either orientation
        double expected = 11008.0 * 4096 * 4096 + 4096.0 * 4096 * 4096;
        assertEquals(expected, FlopPartitioning.cost(4096, 11008));
        assertEquals(expected, FlopPartitioning.cost(11008, 4096));
    }

    @Test
    void lptGivesEachUnitToTheLightestPartition() {
        // costs ∝ 2p³ for square p×p: 8, 1, 1, 1, 1, 1, 1, 1, 1 (p = 2, 1, …) over 2 partitions
        List<WorkUnit> units = new ArrayList<>();
        units.add(unit("big", 20, 20));
        for (int i = 0; i < 8; i++) {
            units.add(unit("small" + i, 10, 10));
        }
        List<List<WorkUnit>> bins = FlopPartitioning.balance(units, 2);
        assertEquals(2, bins.size());
        assertEquals(List.of("big"), bins.get(0).stream().map(WorkUnit::matrix).toList());
        assertEquals(8, bins.get(1).size());
        assertEquals(1.0, FlopPartitioning.imbalance(bins), 1e-12, "8 = 8·1: perfectly even");
        // a round-robin split would put 'big' and 4 small ones together: 12 vs 4, max/mean 1.5
    }

    @Test
    void fewerUnitsThanPartitionsLeavesNoEmptyPartition() {
        List<List<WorkUnit>> bins = FlopPartitioning.balance(List.of(unit("a", 4, 4), unit("b", 4, 4)), 8);
        assertEquals(2, bins.size());
        assertTrue(FlopPartitioning.balance(List.of(), 4).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> FlopPartitioning.balance(List.of(), 0));
    }
}
