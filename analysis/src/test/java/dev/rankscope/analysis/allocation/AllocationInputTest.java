package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class AllocationInputTest {

    private static MatrixAnalysis analysis(boolean approximate) {
        double[] sigma = {3, 2, 1};
        MatrixRef ref = MatrixRef.whole("model.layers.2.mlp.down_proj.weight", 3, 8);
        return new MatrixAnalysis(new MatrixName(ref.id(), 2, ModuleType.DOWN, "model.layers.2.mlp.down_proj"),
                DType.BF16, new Spectrum(ref, sigma, SvdMethod.OJALGO, Precision.F64, approximate, 1),
                RankMeasures.compute(sigma, 3, 8),
                new PowerLawFit(3.25, 1, 0.1, 0.5, 3, 1, 1, ""), null, List.of());
    }

    @Test
    void builtFromAnAnalysis() {
        AllocationInput in = AllocationInput.from(analysis(false));
        assertEquals("model.layers.2.mlp.down_proj.weight", in.id());
        assertEquals("model.layers.2.mlp.down_proj", in.moduleName());
        assertEquals(2, in.layer());
        assertEquals(ModuleType.DOWN, in.module());
        assertEquals(3, in.rows());
        assertEquals(8, in.cols());
        assertEquals(DType.BF16, in.dtype());
        assertArrayEquals(new double[] {3, 2, 1}, in.sigma());
        assertEquals(2.2944, in.energyEffectiveRank(), 5e-5);
        assertEquals(14.0 / 9, in.stableRank(), 1e-12);
        assertEquals(3.25, in.alpha());
        assertEquals(14, in.totalEnergy(), 1e-12);
    }

    @Test
    void approximateSpectraAreRefused() {
        AllocationException e = assertThrows(AllocationException.class, () -> AllocationInput.from(analysis(true)));
        assertEquals(true, e.userMessage().contains("exact spectrum"));
    }
}
