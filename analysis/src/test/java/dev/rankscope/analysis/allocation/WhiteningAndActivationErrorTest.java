package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whitening that survives singular Gram matrices (SPEC §4, SVD-LLM's "not positive definite")
 * and the activation-space error of SPEC §8, checked against ‖(W − W')·Xᵀ‖_F computed directly
 * from the samples X.
 */
class WhiteningAndActivationErrorTest {
    private static final SvdBackend SVD = new OjAlgoBackend();

    private static Matrix random(Random rnd, int m, int n) {
        return DataAwareSpectraTest.random(rnd, m, n);
    }

    private static Matrix sub(Matrix a, Matrix b) {
        double[] d = a.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] -= b.data()[i];
        }
        return new Matrix(a.rows(), a.cols(), d);
    }

    private static double frob2(Matrix a) {
        double s = 0;
        for (double v : a.data()) {
            s += v * v;
        }
        return s;
    }

    /** ‖(W − W')Xᵀ‖_F / ‖W Xᵀ‖_F straight from the samples. */
    private static double direct(Matrix w, Matrix w2, Matrix x) {
        Matrix xt = x.transpose();
        return Math.sqrt(frob2(DataAwareSpectra.multiply(sub(w, w2), xt)) / frob2(DataAwareSpectra.multiply(w, xt)));
    }

    @Test
    void singularGramIsWhitenedByRaisingTheDampingAndSaysSo() {
        Random rnd = new Random(7);
        // 3 samples in 8 dimensions, and one input channel that is always zero: rank 3, singular
        Matrix x = random(rnd, 3, 8);
        for (int i = 0; i < 3; i++) {
            x.set(i, 5, 0);
        }
        Matrix g = DataAwareSpectra.multiply(x.transpose(), x);
        assertThrows(AllocationException.class, () -> DataAwareSpectra.cholesky(g, 0, "m"),
                "strict Cholesky fails on the singular Gram");
        DataAwareSpectra.Transform t = DataAwareSpectra.whiten(g, 0, "m");
        assertEquals("cholesky", t.factorisation());
        assertTrue(t.raised(), "damping was raised above the requested 0");
        assertTrue(t.damping() > 0 && t.damping() <= DataAwareSpectra.MAX_DAMPING);
        Matrix l = t.transform();
        Matrix llt = DataAwareSpectra.multiply(l, l.transpose());
        double meanDiag = 0;
        for (int i = 0; i < 8; i++) {
            meanDiag += g.get(i, i) / 8;
        }
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                double expect = g.get(i, j) + (i == j ? t.damping() * meanDiag : 0);
                assertEquals(expect, llt.get(i, j), 1e-9 * meanDiag, "L·Lᵀ = G + δ·mean(diag)·I at " + i + "," + j);
            }
        }
        // a healthy Gram keeps the requested damping
        Matrix xx = random(rnd, 40, 8);
        DataAwareSpectra.Transform ok = DataAwareSpectra.whiten(DataAwareSpectra.multiply(xx.transpose(), xx), 1e-6, "m");
        assertFalse(ok.raised());
        assertEquals(1e-6, ok.damping());
        // an all-zero Gram (a module that never saw input) still gives a usable S
        DataAwareSpectra.Transform zero = DataAwareSpectra.whiten(Matrix.zeros(4, 4), 1e-6, "m");
        assertEquals(Math.sqrt(1e-6), zero.transform().get(2, 2), 1e-15);
        // NaN is refused with the module's name
        Matrix nan = Matrix.zeros(2, 2);
        nan.set(0, 0, Double.NaN);
        AllocationException e = assertThrows(AllocationException.class, () -> DataAwareSpectra.whiten(nan, 1e-6, "layers.3.q"));
        assertTrue(e.userMessage().contains("layers.3.q") && e.userMessage().contains("NaN"), e.userMessage());
    }

    @Test
    void activationErrorOfWhitenedAndWeightOnlyTruncationsMatchesTheSamples() {
        Random rnd = new Random(11);
        int m = 9;
        int n = 6;
        Matrix w = random(rnd, m, n);
        Matrix x = random(rnd, 60, n);
        for (int i = 0; i < 60; i++) {
            x.set(i, 1, x.get(i, 1) * 8);    // a loud channel, so the two truncations differ
            x.set(i, 4, x.get(i, 4) * 0.1);
        }
        Matrix g = DataAwareSpectra.multiply(x.transpose(), x);
        Matrix s = DataAwareSpectra.whiten(g, 0, "m").transform();
        SvdResult ws = SVD.svd(DataAwareSpectra.multiply(w, s));
        SvdResult plain = SVD.svd(w);
        double[] whitened = ActivationError.whitened(ws.sigma());
        double[] weightOnly = ActivationError.fromContributions(ActivationError.weightOnlyContributions(plain, g));
        assertEquals(n + 1, whitened.length);
        assertEquals(1, whitened[0], 1e-12);
        assertEquals(0, whitened[n], 1e-12);
        Matrix identity = Matrix.zeros(n, n);
        for (int i = 0; i < n; i++) {
            identity.set(i, i, 1);
        }
        for (int k = 0; k <= n; k++) {
            Matrix wAware = DataAwareSpectra.reconstruct(ws, k, s);
            Matrix wPlain = DataAwareSpectra.reconstruct(plain, k, identity);
            assertEquals(direct(w, wAware, x), whitened[k], 1e-9, "whitened, k = " + k);
            assertEquals(direct(w, wPlain, x), weightOnly[k], 1e-9, "weight-only, k = " + k);
            assertEquals(direct(w, wPlain, x), ActivationError.relativeError(w, wPlain, g), 1e-9, "trace form, k = " + k);
            assertTrue(whitened[k] <= weightOnly[k] + 1e-12, "whitening is optimal on the data, k = " + k);
        }
        assertTrue(whitened[2] < 0.9 * weightOnly[2], "the loud channel makes a visible difference: "
                + whitened[2] + " vs " + weightOnly[2]);
    }

    @Test
    void planJsonCarriesTheDataAwareProvenance() {
        AllocationInput in = AllocationInput.of("a.weight", "a", 0, ModuleType.Q, 4, 4, new double[] {4, 3, 2, 1});
        Plan plan = Allocator.plan(List.of(in), Budget.keptFraction(0.5), Scope.defaults(), Constraints.defaults(),
                GlobalOptimalParameters.defaults());
        DataAwareness da = new DataAwareness("svd-llm", DataAwareParameters.of(DataAwareParameters.Method.SVD_LLM_WHITENING),
                "/tmp/stats.safetensors", "ab".repeat(32),
                Map.of("a.weight", new DataAwareness.ModuleTransform("cholesky", 1e-4, true)));
        Plan aware = plan.withDataAwareness(da);
        assertTrue(aware.isDataAware());
        assertTrue(aware.notes().get(aware.notes().size() - 1).contains("δ raised (up to 1.0E-4) for 1"),
                aware.notes().toString());
        Plan back = PlanJson.fromJson(PlanJson.toJson(aware), null);
        assertEquals(aware, back);
        assertEquals(plan, PlanJson.fromJson(PlanJson.toJson(plan), null));
        assertFalse(PlanJson.toJson(plan).contains("data_aware"));
    }
}
