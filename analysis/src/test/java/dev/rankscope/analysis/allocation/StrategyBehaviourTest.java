package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What distinguishes each strategy, on small hand-made inputs (SPEC §4). */
class StrategyBehaviourTest {

    private static AllocationInput in(String id, int m, int n, double... sigma) {
        return AllocationInput.of(id, id, 0, ModuleType.Q, m, n, sigma);
    }

    private static int rank(Plan plan, String id) {
        return plan.matrix(id).orElseThrow().rank();
    }

    @Test
    void energyKeepsTheSameRetainedEnergyFloor() {
        // Same shape; one spectrum concentrated, one flat. τ-equalisation gives the flat one more rank.
        AllocationInput peaked = in("a", 8, 100, 10, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01);
        AllocationInput flat = in("b", 8, 100, 1, 1, 1, 1, 1, 1, 1, 1);
        Plan plan = Allocator.plan(List.of(peaked, flat), Budget.params(6 * 108), Scope.defaults(),
                new Constraints(1, 100, 1, false, java.util.Set.of()), new EnergyParameters());
        assertEquals(1, rank(plan, "a"));
        assertEquals(5, rank(plan, "b"));
    }

    @Test
    void globalOptimalSpendsWhereEnergyIsLargest() {
        AllocationInput big = in("big", 4, 100, 10, 9, 8, 7);
        AllocationInput small = in("small", 4, 100, 1, 0.9, 0.8, 0.7);
        Plan raw = Allocator.plan(List.of(big, small), Budget.params(4 * 104), Scope.defaults(),
                new Constraints(0, 100, 1, false, java.util.Set.of()),
                GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY));
        assertEquals(3, rank(raw, "big"), "raw energy favours the large matrix (max factorised rank 3)");
        assertEquals(1, rank(raw, "small"));
        Plan norm = Allocator.plan(List.of(big, small), Budget.params(4 * 104), Scope.defaults(),
                new Constraints(0, 100, 1, false, java.util.Set.of()),
                GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.NORMALISED_ENERGY));
        assertEquals(2, rank(norm, "big"), "normalised energy treats identical shapes of spectra alike");
        assertEquals(2, rank(norm, "small"));
    }

    @Test
    void globalOptimalUsesTheDenseOptionWhenItPays() {
        // Matrix a: 4×4 (break-even 2): rank 1 costs 8, dense 16. b: 4×100, rank k costs 104k.
        AllocationInput a = in("a", 4, 4, 5, 5, 5, 5);
        AllocationInput b = in("b", 4, 100, 1, 0.1, 0.01, 0.001);
        Plan plan = Allocator.plan(List.of(a, b), Budget.params(16 + 104), Scope.defaults(), Constraints.defaults(),
                GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY));
        assertTrue(plan.matrix("a").orElseThrow().dense());
        assertEquals(1, rank(plan, "b"));
    }

    @Test
    void effectiveRankRepairFollowsSOverW() {
        // Two 10×200 matrices (w = 210); s from the spectra: flat (s = 10) vs single spike (s ≈ 1).
        double[] flat = new double[10];
        java.util.Arrays.fill(flat, 1);
        double[] spike = new double[10];
        spike[0] = 1;
        AllocationInput a = in("flat", 10, 200, flat);
        AllocationInput b = in("spike", 10, 200, spike);
        Plan plan = Allocator.plan(List.of(a, b), Budget.params(8 * 210), Scope.defaults(),
                new Constraints(1, 100, 1, false, java.util.Set.of()), new EffectiveRankParameters());
        // continuous: k ∝ sqrt(s): 8·sqrt(10)/(sqrt(10)+1) = 6.08, 1.92 → 6 and 2.
        assertEquals(6, rank(plan, "flat"));
        assertEquals(2, rank(plan, "spike"));
        double[] k = EffectiveRankParameters.continuous(new double[] {a.energyEffectiveRankOrComputed(),
                b.energyEffectiveRankOrComputed()}, new double[] {210, 210}, 8 * 210);
        assertEquals(8 * Math.sqrt(10) / (Math.sqrt(10) + 1), k[0], 1e-6);
    }

    @Test
    void explainedVarianceTakesTheLargestPooledRatiosFirst() {
        // a: ratios 0.5, 0.3, 0.2; b: 0.9, 0.1 … pool order 0.9(b), 0.5(a), 0.3(a), 0.2(a), 0.1(b).
        AllocationInput a = in("a", 3, 100, Math.sqrt(0.5), Math.sqrt(0.3), Math.sqrt(0.2));
        AllocationInput b = in("b", 2, 101, Math.sqrt(0.9), Math.sqrt(0.1));
        Plan plan = Allocator.plan(List.of(a, b), Budget.params(3 * 103), Scope.defaults(),
                new Constraints(0, 100, 1, false, java.util.Set.of()), new ExplainedVarianceParameters());
        assertEquals(2, rank(plan, "a"));
        assertEquals(1, rank(plan, "b"));
    }

    @Test
    void stableRankProportionalScalesWithStableRank() {
        List<AllocationInput> inputs = new ArrayList<>();
        double[] flat = new double[32];
        java.util.Arrays.fill(flat, 1);                     // stable rank 32
        double[] half = new double[32];
        for (int i = 0; i < 8; i++) {
            half[i] = 1;                                   // stable rank 8
        }
        inputs.add(in("flat", 32, 512, flat));
        inputs.add(in("low", 32, 512, half));
        Plan plan = Allocator.plan(inputs, Budget.params(20 * 544), Scope.defaults(),
                new Constraints(0, 100, 1, false, java.util.Set.of()), new StableRankParameters());
        assertEquals(16, rank(plan, "flat"));
        assertEquals(4, rank(plan, "low"));
    }

    @Test
    void alphaWeightsFollowAlphaPruning() {
        assertArrayEquals(new double[] {1.3, 1.0, 0.7}, AlphaParameters.weights(new double[] {2, 3, 4}, 0.3), 1e-12);
        assertArrayEquals(new double[] {1, 1}, AlphaParameters.weights(new double[] {3, 3}, 0.3), 0);
        double[] s = new double[16];
        java.util.Arrays.fill(s, 1);
        AllocationInput heavy = AllocationInput.of("heavy", "heavy", 0, ModuleType.Q, 16, 256, s).withAlpha(2);
        AllocationInput light = AllocationInput.of("light", "light", 1, ModuleType.Q, 16, 256, s).withAlpha(6);
        Plan plan = Allocator.plan(List.of(heavy, light), Budget.keptFraction(0.5), Scope.defaults(),
                Constraints.defaults(), AlphaParameters.defaults());
        assertTrue(rank(plan, "heavy") > rank(plan, "light"), "heavier tail (smaller α) keeps more");
    }

    @Test
    void uniformRankTreatsSquareMatricesAlike() {
        List<AllocationInput> inputs = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            double[] s = new double[40];
            for (int i = 0; i < 40; i++) {
                s[i] = Math.exp(-i * (l + 1) / 10.0);
            }
            inputs.add(in("m" + l, 40, 40, s));
        }
        Plan plan = Allocator.plan(inputs, Budget.params(4 * 10 * 80), Scope.defaults(), Constraints.defaults(),
                new UniformRankParameters());
        for (PlannedMatrix m : plan.matrices()) {
            assertEquals(10, m.rank());
        }
    }
}
