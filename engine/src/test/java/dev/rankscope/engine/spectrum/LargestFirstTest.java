package dev.rankscope.engine.spectrum;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parallel workers take the most expensive matrices first, equal costs in checkpoint order. */
class LargestFirstTest {
    @Test
    void mostExpensiveFirstStableForTies() {
        MatrixRef small = MatrixRef.whole("small", 64, 64);
        MatrixRef tallA = MatrixRef.whole("tallA", 11008, 4096);
        MatrixRef square = MatrixRef.whole("square", 4096, 4096);
        MatrixRef tallB = MatrixRef.whole("tallB", 4096, 11008);
        MatrixRef embed = MatrixRef.whole("embed", 32000, 4096);
        List<MatrixRef> order = SpectrumTask.largestFirst(List.of(small, tallA, square, tallB, embed));
        assertEquals(List.of("embed", "tallA", "tallB", "square", "small"), order.stream().map(MatrixRef::id).toList());
    }
}
