package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PairingTest {
    @Test
    void pairsByNameAndListsMismatchesWithoutFailing() {
        TensorSource base = InMemoryTensorSource.builder("base")
                .matrix("a.weight", 4, 3, new double[12])
                .matrix("b.weight", 4, 3, new double[12])
                .matrix("only_base.weight", 2, 2, new double[4])
                .tensor("experts.weight", new long[] {2, 3, 2}, new double[12])
                .tensor("norm.weight", new long[] {3}, new double[3])
                .tensor("bias_only_base", new long[] {3}, new double[3]).build();
        TensorSource tuned = InMemoryTensorSource.builder("tuned")
                .matrix("b.weight", 3, 4, new double[12])
                .matrix("a.weight", 4, 3, new double[12])
                .tensor("experts.weight", new long[] {2, 3, 2}, new double[12])
                .tensor("norm.weight", new long[] {3}, new double[3])
                .matrix("extra.weight", 2, 2, new double[4]).build();
        Pairing p = Pairing.of(base, tuned);
        assertEquals(List.of("a.weight", "experts.weight[0]", "experts.weight[1]"),
                p.pairs().stream().map(Pairing.MatrixPair::name).toList());
        assertEquals(List.of(new Pairing.ShapeMismatch("b.weight", "4×3", "3×4")), p.mismatches());
        assertEquals(List.of("only_base.weight"), p.onlyInBase());
        assertEquals(List.of("extra.weight"), p.onlyInTuned());
        assertEquals(List.of("a.weight"), p.filter(pair -> !pair.base().tensor().startsWith("experts")).pairs().stream()
                .map(Pairing.MatrixPair::name).toList());
    }
}
