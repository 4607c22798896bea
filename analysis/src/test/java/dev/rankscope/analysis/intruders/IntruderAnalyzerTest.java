package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntruderAnalyzerTest {
    private final IntruderAnalyzer analyzer = new IntruderAnalyzer(new OjAlgoBackend());

    /** SPEC §3: W₀ = diag(4,3,2,1), W_t = W₀ + 10·uuᵀ, u = ½(1,1,1,1). */
    @Test
    void specHandCase() {
        Matrix w0 = Fixtures.diag(4, 3, 2, 1);
        Matrix wt = w0.copy();
        double[] u = {0.5, 0.5, 0.5, 0.5};
        Fixtures.addOuter(wt, 10, u, u);
        IntruderMatrixResult r = analyzer.analyze(Fixtures.name("w"), w0, wt);
        assertArrayEquals(new double[] {12.6244, 3.5760, 2.4553, 1.3442}, r.sigmaTuned(), 1e-4);
        assertArrayEquals(new double[] {0.5762, 0.7806, 0.7286, 0.8653}, r.maxCosine(), 1e-4);
        assertArrayEquals(new double[] {4, 3, 2, 1}, r.sigmaBase(), 1e-12);
        assertFalse(r.identical());

        IntruderMatrixResult.Intruders one = r.intruders(new IntruderParameters(1, 0.6));
        assertEquals(1, one.count());
        assertArrayEquals(new int[] {1}, one.ranks());
        assertArrayEquals(new double[] {12.6244}, one.sigma(), 1e-4);
        assertEquals(0, r.intruderCount(new IntruderParameters(1, 0.5)));
        assertEquals(0, r.intruders(1, 0.5).count());
        // k beyond p examines the p vectors that exist
        assertEquals(4, r.intruderCount(new IntruderParameters(10, 0.9)));
        assertEquals(4, r.maxCosine(10).length);
        // ΔW = 10·uuᵀ: one singular value 10
        assertArrayEquals(new double[] {10, 0, 0, 0}, r.deltaSigma(), 1e-9);
        assertEquals(1.0, r.deltaStableRank(), 1e-9);
        assertEquals(1.0, r.deltaEffectiveRank(), 1e-6);
        double expectedDistance = Math.sqrt(sq(12.6244 - 4) + sq(3.5760 - 3) + sq(2.4553 - 2) + sq(1.3442 - 1)) / Math.sqrt(30);
        assertEquals(expectedDistance, r.spectralDistance(), 1e-4);
    }

    @Test
    void identicalMatricesHaveNoIntruders() {
        Matrix w0 = Fixtures.diag(4, 3, 2, 1);
        IntruderMatrixResult r = analyzer.analyze(Fixtures.name("w"), w0, w0.copy());
        assertTrue(r.identical());
        assertArrayEquals(new double[] {1, 1, 1, 1}, r.maxCosine());
        assertEquals(0, r.intruderCount(new IntruderParameters(4, 1.0)));
        assertEquals(0, r.spectralDistance());
        assertEquals(0, r.deltaEffectiveRank());
        assertEquals(1.0, r.overlapAt(2, 2));
        assertEquals(0.0, r.overlapAt(2, 1));
    }

    @Test
    void fullComputationAgreesWithTheIdenticalShortcut() {
        // a perturbation far below the σ gaps leaves every singular direction in place: c ≈ 1
        Random rnd = new Random(7);
        Matrix u = Fixtures.orthonormalColumns(rnd, 12, 8);
        Matrix v = Fixtures.orthonormalColumns(rnd, 8, 8);
        Matrix w0 = Fixtures.compose(u, new double[] {8, 7, 6, 5, 4, 3, 2, 1}, v);
        Matrix wt = w0.copy();
        wt.set(0, 0, wt.get(0, 0) + 1e-9);
        IntruderMatrixResult r = analyzer.analyze(Fixtures.name("w"), w0, wt);
        assertFalse(r.identical());
        for (double c : r.maxCosine()) {
            assertEquals(1.0, c, 1e-8);
        }
        assertEquals(0, r.intruderCount(new IntruderParameters(8, 0.99)));
        assertEquals(8, r.overlapRows());
        assertEquals(8, r.overlapCols());
    }

    /**
     * Plants two directions u₁, u₂ outside W₀'s column space on W₀'s two weakest right vectors:
     * W_t = W₀ + s₁u₁v_pᵀ + s₂u₂v_{p−1}ᵀ. Its SVD is exact: the new top vectors are
     * (σ_p u_p + s₁u₁)/‖·‖ and (σ_{p−1}u_{p−1} + s₂u₂)/‖·‖, with c = σ_p/√(σ_p²+s₁²) etc.;
     * every other tuned vector is a base vector (c = 1).
     */
    @Test
    void plantedUpdatesGiveExactlyThePlantedIntruders() {
        Random rnd = new Random(11);
        int m = 40, n = 30, p = 30;
        Matrix full = Fixtures.orthonormalColumns(rnd, m, p + 2);
        Matrix u0 = Matrix.zeros(m, p);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                u0.set(i, j, full.get(i, j));
            }
        }
        double[] planted1 = Fixtures.column(full, p);
        double[] planted2 = Fixtures.column(full, p + 1);
        Matrix v0 = Fixtures.orthonormalColumns(rnd, n, p);
        double[] sigma = new double[p];
        for (int i = 0; i < p; i++) {
            sigma[i] = 30 - i; // 30 … 1
        }
        Matrix w0 = Fixtures.compose(u0, sigma, v0);
        Matrix wt = w0.copy();
        double s1 = 500, s2 = 200;
        Fixtures.addOuter(wt, s1, planted1, Fixtures.column(v0, p - 1));
        Fixtures.addOuter(wt, s2, planted2, Fixtures.column(v0, p - 2));

        IntruderMatrixResult r = analyzer.analyze(Fixtures.name("model.layers.2.self_attn.q_proj.weight"), w0, wt);
        IntruderMatrixResult.Intruders in = r.intruders(IntruderParameters.DEFAULT);
        assertArrayEquals(new int[] {1, 2}, in.ranks());
        assertArrayEquals(new double[] {Math.hypot(1, s1), Math.hypot(2, s2)}, in.sigma(), 1e-9);
        assertEquals(1 / Math.hypot(1, s1), r.maxCosineAt(0), 1e-9);
        assertEquals(2 / Math.hypot(2, s2), r.maxCosineAt(1), 1e-9);
        for (int j = 2; j < p; j++) {
            assertEquals(1.0, r.maxCosineAt(j), 1e-9, "c_" + (j + 1));
        }
        // tuned vector 3 is base vector 1 (σ = 30)
        assertEquals(1.0, r.overlapAt(2, 0), 1e-9);
        // ΔW has exactly the two planted singular values
        double[] ds = r.deltaSigma();
        assertEquals(s1, ds[0], 1e-9);
        assertEquals(s2, ds[1], 1e-9);
        assertEquals(0.0, ds[2], 1e-9);
        assertEquals((s1 * s1 + s2 * s2) / (s1 * s1), r.deltaStableRank(), 1e-9);
        double q1 = s1 / (s1 + s2), q2 = s2 / (s1 + s2);
        assertEquals(Math.exp(-q1 * Math.log(q1) - q2 * Math.log(q2)), r.deltaEffectiveRank(), 1e-6);
        // at a threshold below both planted cosines nothing is flagged
        assertEquals(0, r.intruderCount(new IntruderParameters(10, 0.001)));
    }

    @Test
    void keepsOnlyTheConfiguredBlockAndRejectsShapeMismatch() {
        Random rnd = new Random(3);
        Matrix w0 = new Matrix(6, 9, Fixtures.gaussian(rnd, 54));
        Matrix wt = new Matrix(6, 9, Fixtures.gaussian(rnd, 54));
        IntruderMatrixResult r = new IntruderAnalyzer(new OjAlgoBackend(), 3, 4).analyze(Fixtures.name("w"), w0, wt);
        assertEquals(3, r.maxCosine().length);
        assertEquals(3, r.overlapRows());
        assertEquals(4, r.overlapCols());
        assertEquals(6, r.sigmaTuned().length);
        for (int j = 0; j < 3; j++) {
            double blockMax = 0;
            for (int i = 0; i < 4; i++) {
                blockMax = Math.max(blockMax, r.overlapAt(j, i));
            }
            assertTrue(r.maxCosineAt(j) >= blockMax - 1e-15, "c_j is the max over all base vectors");
        }
        assertThrows(IllegalArgumentException.class,
                () -> analyzer.analyze(Fixtures.name("w"), w0, new Matrix(9, 6, new double[54])));
    }

    @Test
    void spectralDistanceEdgeCases() {
        assertEquals(0.0, IntruderAnalyzer.spectralDistance(new double[] {0, 0}, new double[] {0, 0}));
        assertEquals(Double.POSITIVE_INFINITY, IntruderAnalyzer.spectralDistance(new double[] {1, 0}, new double[] {0, 0}));
        // ‖(4,0) − (4,3)‖ / ‖(4,3)‖ = 3/5
        assertEquals(0.6, IntruderAnalyzer.spectralDistance(new double[] {4, 0}, new double[] {4, 3}), 1e-15);
    }

    private static double sq(double x) {
        return x * x;
    }
}
