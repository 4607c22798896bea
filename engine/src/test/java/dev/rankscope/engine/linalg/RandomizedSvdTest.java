package dev.rankscope.engine.linalg;

import dev.rankscope.engine.bench.SyntheticMatrices;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomizedSvdTest {
    private final NativeBackend reference = new NativeBackend(NativeBackend.GramPolicy.NEVER);

    @Test
    void fastDecayingSpectrumIsRecoveredToTolerance() {
        // geometric decay: σ_{l+1}/σ_k = 0.9^10 ≈ 0.35, error ≈ 0.35^7 relative before accumulation
        double[] sigma = new double[200];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = Math.pow(0.6, i);
        }
        Matrix a = SyntheticMatrices.withSpectrum(300, 200, sigma, 1);
        double[] before = a.data().clone();
        SvdResult r = RandomizedSvd.topValues(a, new RandomizedSvd.Parameters(10, 10, 3, 5));
        assertArrayEquals(before, a.data());
        assertEquals(SvdMethod.RANDOMIZED, r.method());
        assertEquals(10, r.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(sigma[i], r.sigma(i), 1e-6 * sigma[i], "σ[" + i + "]");
        }
    }

    @Test
    void estimatesAreLowerBoundsAndCloseOnAPowerLaw() {
        Matrix a = SyntheticMatrices.withSpectrum(250, 400, SyntheticMatrices.powerLawSpectrum(250, 0.6), 2);
        double[] exact = reference.gesddValues(a).sigma();
        SvdResult r = RandomizedSvd.topValues(a, RandomizedSvd.Parameters.topK(20));
        TestMatrices.assertDescendingNonNegative(r.sigma(), "randomized");
        for (int i = 0; i < 20; i++) {
            assertTrue(r.sigma(i) <= exact[i] * (1 + 1e-12), "σ̂[" + i + "] above σ");
            assertEquals(exact[i], r.sigma(i), 2e-2 * exact[i], "σ[" + i + "]");
        }
        assertEquals(exact[0], r.sigma(0), 1e-6 * exact[0], "σ₁ converges fastest");
    }

    @Test
    void edgeCases() {
        assertEquals(0, RandomizedSvd.topValues(Matrix.zeros(0, 4), RandomizedSvd.Parameters.topK(3)).size());
        Matrix small = SyntheticMatrices.gaussian(5, 3, 3);
        double[] exact = reference.gesddValues(small).sigma();
        double[] got = RandomizedSvd.topValues(small, RandomizedSvd.Parameters.topK(10)).sigma();
        assertEquals(3, got.length, "k capped at p");
        for (int i = 0; i < 3; i++) {
            assertEquals(exact[i], got[i], 1e-12 * exact[0]);
        }
        Matrix bad = SyntheticMatrices.gaussian(5, 3, 3);
        bad.set(1, 1, Double.NaN);
        assertThrows(LinalgException.class, () -> RandomizedSvd.topValues(bad, RandomizedSvd.Parameters.topK(2)));
        assertThrows(IllegalArgumentException.class, () -> new RandomizedSvd.Parameters(0, 1, 1, 1));
    }

    @Test
    void singlePrecisionAgreesWithDoubleToFloatRounding() {
        Matrix a = SyntheticMatrices.withSpectrum(250, 400, SyntheticMatrices.powerLawSpectrum(250, 0.6), 2);
        double[] before = a.data().clone();
        RandomizedSvd.Parameters params = RandomizedSvd.Parameters.topK(20);
        double[] dbl = RandomizedSvd.topValues(a, params).sigma();
        SvdResult single = RandomizedSvd.topValuesSingle(a, params);
        assertArrayEquals(before, a.data());
        assertEquals(SvdMethod.RANDOMIZED, single.method());
        assertEquals(20, single.size());
        TestMatrices.assertDescendingNonNegative(single.sigma(), "randomized float32");
        double maxDev = 0;
        for (int i = 0; i < 20; i++) {
            maxDev = Math.max(maxDev, Math.abs(single.sigma(i) - dbl[i]) / dbl[0]);
        }
        assertTrue(maxDev < 5e-6, "float32 vs float64 estimates differ by " + maxDev + "·σ₁");
        assertTrue(maxDev > 0, "the float32 path must actually run in float32");
        Matrix bad = SyntheticMatrices.gaussian(5, 3, 3);
        bad.set(0, 2, Double.POSITIVE_INFINITY);
        assertThrows(LinalgException.class, () -> RandomizedSvd.topValuesSingle(bad, params));
        assertEquals(0, RandomizedSvd.topValuesSingle(Matrix.zeros(0, 4), params).size());
    }
}
