package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hand-checked values of SPEC §4. */
class SpecAllocationChecksTest {

    private static double[] decaying(int p) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = Math.exp(-i / 500.0);
        }
        return s;
    }

    private static AllocationInput mlp4096x11008() {
        return AllocationInput.of("model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.up_proj", 0,
                ModuleType.UP, 4096, 11008, decaying(4096));
    }

    @Test
    void uniformParamsFormulaGives2388ForC02() {
        assertEquals(2388, UniformParamsParameters.rank(4096, 11008, 0.2));
    }

    @Test
    void uniformParamsPlanGives2388AtEightyPercentKept() {
        Plan plan = Allocator.plan(List.of(mlp4096x11008()), Budget.keptFraction(0.8), Scope.defaults(),
                Constraints.defaults(), new UniformParamsParameters());
        PlannedMatrix m = plan.matrices().get(0);
        assertFalse(m.dense());
        assertEquals(2388, m.rank());
        assertEquals(2388L * (4096 + 11008), m.paramsAfter());
        assertTrue(plan.totals().eligibleParamsAfter() <= plan.totals().budgetParams());
    }

    @Test
    void breakEvenOf4096x11008Is2985Point22() {
        RankLadder r = new RankLadder(mlp4096x11008(), Constraints.defaults(), Integer.MAX_VALUE);
        assertEquals(2985.22, Allocator.breakEven(4096, 11008), 0.005);
        assertEquals(2985, Allocator.maxFactorisedRank(4096, 11008));
        assertEquals(15, Allocator.maxFactorisedRank(32, 32), "k = 16 = mn/(m+n) exactly is not worth factorising");
        assertEquals(2985, r.rank(r.factorisedLevels - 1), "largest factorised rank is below break-even");
        assertTrue(r.isDense(r.levelForRank(2986, RankLadder.Snap.DOWN)), "k ≥ mn/(m+n) → dense");
        assertEquals(2985, r.rank(r.levelForRank(2985, RankLadder.Snap.DOWN)));
        assertEquals(4096L * 11008, r.cost(r.topLevel()), "dense costs mn");
    }

    @Test
    void dRankContinuousRanksMatchSpec() {
        double[] k = EffectiveRankParameters.continuous(new double[] {10, 40}, new double[] {3, 3}, 30);
        assertArrayEquals(new double[] {10.0 / 3, 20.0 / 3}, k, 1e-12);
        assertEquals(3.33, k[0], 0.005);
        assertEquals(6.67, k[1], 0.005);
        assertEquals(30, k[0] * 3 + k[1] * 3, 1e-9, "Σ k·w = P");
    }

    @Test
    void uniformRankDropsFloorCp() {
        // p = 10, c = 0.25 → k = 10 − ⌊2.5⌋ = 8; with a 10×1000 matrix (break-even 9.9) k = 8 is factorised.
        double[] s = decaying(10);
        AllocationInput in = AllocationInput.of("w", "w", 0, ModuleType.Q, 10, 1000, s);
        // Budget exactly for k = 8: the search picks the smallest c meeting it.
        Plan plan = Allocator.plan(List.of(in), Budget.params(8 * 1010), Scope.defaults(), Constraints.defaults(),
                new UniformRankParameters());
        assertEquals(8, plan.matrices().get(0).rank());
        assertTrue(plan.notes().get(0).startsWith("c = 0.2"), plan.notes().toString());
    }

    @Test
    void energyThresholdRankMatchesSpecCumulativeEnergy() {
        // σ = [3, 2, 1]: cumulative energy [0.6429, 0.9286, 1] so r(0.90) = 2, r(0.95) = 3.
        AllocationInput in = AllocationInput.of("w", "w", 0, ModuleType.Q, 3, 3, new double[] {3, 2, 1});
        RankLadder r = new RankLadder(in, Constraints.defaults(), Integer.MAX_VALUE);
        assertEquals(2, EnergyParameters.energyRank(r, 0.90));
        assertEquals(3, EnergyParameters.energyRank(r, 0.95));
        assertEquals(1, EnergyParameters.energyRank(r, 0.6428));
    }

    @Test
    void weLoreNormalisesAndCountsDrops() {
        AllocationInput in = AllocationInput.of("w", "w", 0, ModuleType.Q, 5, 5, new double[] {9, 5, 3, 2, 1});
        double[] hat = WeLoreParameters.normalised(in);
        assertArrayEquals(new double[] {1, 0.5, 0.25, 0.125, 0}, hat, 1e-15);
        assertEquals(0, WeLoreParameters.dropped(hat, 0));
        assertEquals(1, WeLoreParameters.dropped(hat, 0.1));
        assertEquals(3, WeLoreParameters.dropped(hat, 0.3), "σ̂ = 0.25, 0.125, 0 are below 0.3");
        assertEquals(3, WeLoreParameters.dropped(hat, 0.5), "strict: σ̂ = 0.5 is kept at τ = 0.5");
        assertEquals(5, WeLoreParameters.dropped(hat, Math.nextUp(1.0)));
        // LRC needs dropped/p > 0.5: p = 5 → k ≤ 2; p = 4 → k ≤ 1.
        assertEquals(2, WeLoreParameters.maxRank(5, 0.5));
        assertEquals(1, WeLoreParameters.maxRank(4, 0.5));
    }

    @Test
    void weLoreLabelsFactorisedMatricesLrcAndDenseOnesNLrc() {
        // A fast-decaying matrix (low rank) and a flat one; budget leaves room for one dense.
        AllocationInput lowRank = AllocationInput.of("a", "a", 0, ModuleType.Q, 16, 16,
                new double[] {10, 1, 0.1, 0.01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        double[] flat = new double[16];
        java.util.Arrays.fill(flat, 1.0);
        flat[15] = 0.5;
        AllocationInput full = AllocationInput.of("b", "b", 0, ModuleType.K, 16, 16, flat);
        Plan plan = Allocator.plan(List.of(lowRank, full), Budget.params(256 + 2 * 32), Scope.defaults(),
                Constraints.defaults(), WeLoreParameters.defaults());
        PlannedMatrix a = plan.matrix("a").orElseThrow();
        PlannedMatrix b = plan.matrix("b").orElseThrow();
        assertEquals(LowRankLabel.LRC, a.label());
        assertFalse(a.dense());
        assertTrue(a.rank() < 8, "LRC keeps under half the rank");
        assertEquals(LowRankLabel.N_LRC, b.label());
        assertTrue(b.dense());
    }

    @Test
    void weLoreThresholdIsFoundByBudgetSearch() {
        // 8 identical-shape matrices with σ_i = 1/(i+1): half the rank dropped ↔ τ just above σ̂ of index 3.
        List<AllocationInput> inputs = new java.util.ArrayList<>();
        for (int l = 0; l < 8; l++) {
            double[] s = new double[8];
            for (int i = 0; i < 8; i++) {
                s[i] = 1.0 / (i + 1);
            }
            inputs.add(AllocationInput.of("m" + l, "m" + l, l, ModuleType.Q, 8, 64, s));
        }
        // Budget for rank 3 everywhere (k < p/2 = 4 keeps them LRC).
        Plan plan = Allocator.plan(inputs, Budget.params(8L * 3 * 72), Scope.defaults(), Constraints.defaults(),
                WeLoreParameters.defaults());
        for (PlannedMatrix m : plan.matrices()) {
            assertEquals(3, m.rank());
            assertEquals(LowRankLabel.LRC, m.label());
        }
        double hat3 = (1.0 / 4 - 1.0 / 8) / (1 - 1.0 / 8);
        double hat2 = (1.0 / 3 - 1.0 / 8) / (1 - 1.0 / 8);
        assertTrue(plan.notes().get(0).startsWith("τ = "));
        double tau = Double.parseDouble(plan.notes().get(0).substring(4, plan.notes().get(0).indexOf(' ', 4)));
        assertTrue(tau > hat3 && tau <= hat2 + 1e-6, "τ = " + tau + " drops exactly σ̂ ≤ " + hat3);
    }

    @Test
    void retainedEnergyAndRelativeErrorFollowEckartYoung() {
        AllocationInput in = AllocationInput.of("w", "w", 0, ModuleType.Q, 3, 100, new double[] {3, 2, 1});
        // rank 1 costs 103 params; rank 2 costs 206.
        Plan plan = Allocator.plan(List.of(in), Budget.params(150), Scope.defaults(), Constraints.defaults(),
                new EnergyParameters());
        PlannedMatrix m = plan.matrices().get(0);
        assertEquals(1, m.rank());
        assertEquals(9.0 / 14, m.retainedEnergy(), 1e-12);
        assertEquals(Math.sqrt(5.0 / 14), m.relativeError(), 1e-12);
    }

    @Test
    void weightingMetricsDefaultToSpecSectionOneValues() {
        AllocationInput in = AllocationInput.of("w", "w", 0, ModuleType.Q, 3, 3, new double[] {3, 2, 1});
        assertEquals(2.2944, in.energyEffectiveRankOrComputed(), 5e-5);
        assertEquals(14.0 / 9, in.stableRankOrComputed(), 1e-12);
        AllocationInput given = new AllocationInput("w", "w", 0, ModuleType.Q, 3, 3, dev.rankscope.engine.tensor.DType.F32,
                new double[] {3, 2, 1}, 7.5, 2.5, Double.NaN, null);
        assertEquals(7.5, given.energyEffectiveRankOrComputed());
        assertEquals(2.5, given.stableRankOrComputed());
    }
}
