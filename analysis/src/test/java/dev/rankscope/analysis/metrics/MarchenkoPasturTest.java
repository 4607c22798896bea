package dev.rankscope.analysis.metrics;

import dev.rankscope.analysis.testing.TestSpectra;
import dev.rankscope.engine.linalg.Matrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MarchenkoPasturTest {

    @Test
    void specCheckBounds() {
        assertEquals(0.25, MarchenkoPastur.lowerEdge(4, 1), 1e-15);
        assertEquals(2.25, MarchenkoPastur.upperEdge(4, 1), 1e-15);
        assertEquals(0.25 * 4, MarchenkoPastur.lowerEdge(4, 2), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> MarchenkoPastur.upperEdge(0.5, 1));
    }

    @Test
    void densityIntegratesToOneAndHasMeanSSquared() {
        for (double q : new double[]{1.5, 4, 10}) {
            double s = 0.7;
            double lo = MarchenkoPastur.lowerEdge(q, s);
            double hi = MarchenkoPastur.upperEdge(q, s);
            int steps = 200_000;
            double mass = 0;
            double mean = 0;
            double h = (hi - lo) / steps;
            for (int i = 0; i < steps; i++) {
                double x = lo + (i + 0.5) * h;
                double r = MarchenkoPastur.density(x, q, s);
                mass += r * h;
                mean += x * r * h;
            }
            assertEquals(1, mass, 2e-4, "Q " + q);
            assertEquals(s * s, mean, 2e-4, "Q " + q);
        }
        assertEquals(0, MarchenkoPastur.density(0.1, 4, 1), 0);
        assertEquals(0, MarchenkoPastur.density(2.5, 4, 1), 0);
        assertEquals(0, MarchenkoPastur.density(0, 1, 1), 0);
    }

    @Test
    void kernelDensityIsANormalisedTriangularKde() {
        MarchenkoPastur.Curve c = MarchenkoPastur.kernelDensity(new double[]{1.0, 1.05, 3.0});
        double[] x = c.x();
        double[] y = c.density();
        assertEquals(1000, x.length);
        assertEquals(0, x[0], 0);
        assertEquals(3.5, x[999], 1e-12);
        for (int k = 0; k < x.length; k++) {
            double expected = 0;
            for (double l : new double[]{1.0, 1.05, 3.0}) {
                expected += Math.max(0, 1 - Math.abs(x[k] - l) / 0.1) / 0.1;
            }
            assertEquals(expected / 3, y[k], 1e-9, "x " + x[k]);
        }
        double mass = 0;
        for (int k = 1; k < x.length; k++) {
            mass += 0.5 * (y[k] + y[k - 1]) * (x[k] - x[k - 1]);
        }
        assertEquals(1, mass, 1e-3);
    }

    @Test
    void gaussianMatrixFitsTheory() {
        Random rnd = new Random(11);
        int m = 400;
        int n = 200;
        double[] sigma = TestSpectra.sigma(TestSpectra.gaussian(rnd, m, n, 0.02));
        MarchenkoPasturFit fit = MarchenkoPastur.fit(sigma, m, n);
        assertNotNull(fit);
        assertFalse(fit.quick());
        assertEquals(2.0, fit.q(), 0);
        double theory = MarchenkoPastur.upperEdge(2, 1); // 2.914 on the mean-1 axis
        assertEquals(theory, fit.bulkMax(), 0.1 * theory);
        assertEquals(1.0, fit.sigma(), 0.04);
        assertTrue(fit.numSpikes() <= 2, "spikes " + fit.numSpikes());
        assertEquals(fit.bulkMax() / (sigma[0] * sigma[0] * n / sumSq(sigma)), fit.softRank(), 1e-12);
        double tw = Math.pow(fit.bulkMax(), 2.0 / 3) / Math.sqrt(2) / Math.pow(n, 2.0 / 3);
        assertEquals(tw, fit.tracyWidom(), 1e-12);
        assertEquals(MarchenkoPastur.lowerEdge(2, fit.sigma()), fit.bulkMin(), 1e-12);
    }

    @Test
    void plantedSpikesAreCounted() {
        Random rnd = new Random(5);
        int m = 400;
        int n = 200;
        Matrix w = TestSpectra.gaussian(rnd, m, n, 1.0);
        // bulk edge of σ is about √m + √n ≈ 34.1; plant three clear outliers
        TestSpectra.plantSpike(rnd, w, 150);
        TestSpectra.plantSpike(rnd, w, 120);
        TestSpectra.plantSpike(rnd, w, 100);
        double[] sigma = TestSpectra.sigma(w);
        MarchenkoPasturFit fit = MarchenkoPastur.fit(sigma, m, n);
        assertNotNull(fit);
        assertEquals(3, fit.numSpikes());
        assertTrue(fit.softRank() < 0.5, "softrank " + fit.softRank());

        MarchenkoPasturFit pure = MarchenkoPastur.fit(
                TestSpectra.sigma(TestSpectra.gaussian(new Random(5), m, n, 1.0)), m, n);
        assertTrue(pure.numSpikes() < fit.numSpikes());
    }

    @Test
    void quickFitIsLabelled() {
        double[] sigma = TestSpectra.sigma(TestSpectra.gaussian(new Random(2), 300, 100, 3));
        MarchenkoPasturFit quick = MarchenkoPastur.quickFit(sigma, 300, 100);
        assertTrue(quick.quick());
        assertEquals(1.0, quick.sigma(), 1e-12, "s² = mean λ = 1 on the rescaled axis");
        assertEquals(MarchenkoPastur.upperEdge(3, 1), quick.bulkMax(), 1e-12);
    }

    @Test
    void degenerateInputs() {
        assertNull(MarchenkoPastur.fit(new double[]{0, 0}, 2, 3));
        assertNull(MarchenkoPastur.quickFit(new double[]{0, 0}, 2, 3));
        assertThrows(IllegalArgumentException.class, () -> MarchenkoPastur.fit(new double[]{1}, 2, 3));
        double[] lambda = MarchenkoPastur.rescaledEigenvalues(new double[]{2, 1, 1}, 3, 5);
        assertEquals(3, lambda[0] + lambda[1] + lambda[2], 1e-12);
        assertEquals(2, lambda[0], 1e-12);
    }

    private static double sumSq(double[] s) {
        double t = 0;
        for (double v : s) {
            t += v * v;
        }
        return t;
    }
}
