package dev.rankscope.analysis.allocation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StrategyComparisonTest {

    @Test
    void globalOptimalHasTheLeastRawErrorAndLayerCurvesAddUp() {
        List<AllocationInput> inputs = AllocationFixtures.inputs(new Random(3), 12, 30);
        Budget budget = Budget.keptFraction(0.4);
        List<StrategyParameters> strategies = List.of(new UniformParamsParameters(), new EnergyParameters(),
                GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY), new ExplainedVarianceParameters());
        StrategyComparison cmp = StrategyComparison.compare(inputs, budget, Scope.everything(), Constraints.defaults(),
                strategies);
        assertEquals(4, cmp.entries().size());
        StrategyComparison.Entry optimal = cmp.entries().get(2);
        for (StrategyComparison.Entry e : cmp.entries()) {
            assertTrue(optimal.discardedEnergy() <= e.discardedEnergy() * (1 + 1e-12) + 1e-12,
                    e.strategy().strategyName() + " beats global-optimal");
            double sumLayers = e.layers().stream().mapToDouble(StrategyComparison.LayerError::discardedEnergy).sum();
            assertEquals(e.discardedEnergy(), sumLayers, 1e-9 * Math.max(1, sumLayers));
            long kept = e.layers().stream().mapToLong(StrategyComparison.LayerError::keptParams).sum();
            assertEquals(e.plan().totals().eligibleParamsAfter(), kept);
            for (int i = 1; i < e.layers().size(); i++) {
                assertTrue(e.layers().get(i).layer() > e.layers().get(i - 1).layer());
            }
        }
    }

    @Test
    void atMostFourStrategies() {
        List<AllocationInput> inputs = AllocationFixtures.inputs(new Random(4), 3, 10);
        List<StrategyParameters> five = List.of(new UniformParamsParameters(), new UniformRankParameters(),
                new EnergyParameters(), new StableRankParameters(), new ExplainedVarianceParameters());
        assertThrows(IllegalArgumentException.class, () -> StrategyComparison.compare(inputs, Budget.keptFraction(0.5),
                Scope.everything(), Constraints.defaults(), five));
    }
}
