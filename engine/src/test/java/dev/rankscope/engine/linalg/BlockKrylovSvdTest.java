package dev.rankscope.engine.linalg;

import dev.rankscope.engine.bench.SyntheticMatrices;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick preview's block Krylov estimate against LAPACK {@code dgesdd} in float64 (the
 * independent reference), and against the subspace iteration it replaced on the hard case, a
 * flat (Marchenko–Pastur) spectrum, at fewer passes.
 */
class BlockKrylovSvdTest {
    private static final BlockKrylovSvd.Parameters PREVIEW = new BlockKrylovSvd.Parameters(64, 32, 5, 20_241_107L);
    private final NativeBackend reference = new NativeBackend(NativeBackend.GramPolicy.NEVER);

    @Test
    void fastDecayingSpectrumIsRecoveredToFloatRounding() {
        double[] sigma = new double[300];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = Math.pow(0.9, i);
        }
        Matrix a = SyntheticMatrices.withSpectrum(500, 300, sigma, 3);
        double[] got = estimate(a, new BlockKrylovSvd.Parameters(20, 16, 4, 9L));
        assertEquals(20, got.length);
        for (int i = 0; i < 20; i++) {
            assertEquals(sigma[i], got[i], 1e-5 * sigma[0], "σ[" + i + "]");
        }
    }

    @Test
    void valuesAreLowerBoundsAndBeatSubspaceIterationOnAFlatSpectrum() {
        Matrix a = SyntheticMatrices.gaussian(700, 400, 11);
        double[] exact = reference.gesddValues(a).sigma();
        double[] before = a.data().clone();
        double[] krylov = estimate(a, PREVIEW);
        assertArrayEquals(before, a.data(), "input untouched");
        TestMatrices.assertDescendingNonNegative(krylov, "block Krylov");
        assertEquals(64, krylov.length);
        for (int i = 0; i < 64; i++) {
            assertTrue(krylov[i] <= exact[i] + 1e-6 * exact[0], "σ̂[" + i + "] is a lower bound");
        }
        // the subspace iteration the preview used before: 6 passes of 74 columns (444) against 9 of 32 (288)
        double[] subspace = RandomizedSvd.topValuesSingle(a, new RandomizedSvd.Parameters(64, 10, 2, 20_241_107L)).sigma();
        double krylovTop = worstRelative(exact, krylov, 8);
        double subspaceTop = worstRelative(exact, subspace, 8);
        assertTrue(krylovTop < subspaceTop, "top 8: Krylov " + krylovTop + " vs subspace " + subspaceTop);
        assertTrue(worstRelative(exact, krylov, 64) < 0.25, "last of 64 within a preview's error: " + worstRelative(exact, krylov, 64));
    }

    @Test
    void powerLawTopValuesAreClose() {
        Matrix a = SyntheticMatrices.withSpectrum(600, 900, SyntheticMatrices.powerLawSpectrum(600, 0.6), 5);
        double[] exact = reference.gesddValues(a).sigma();
        double[] got = estimate(a, PREVIEW);
        assertEquals(exact[0], got[0], 1e-5 * exact[0], "σ₁");
        assertTrue(worstRelative(exact, got, 8) < 1e-3, "top 8 " + worstRelative(exact, got, 8));
        assertTrue(worstRelative(exact, got, 64) < 5e-2, "top 64 " + worstRelative(exact, got, 64));
    }

    @Test
    void aKrylovSpaceAsWideAsTheMatrixGivesItsExactValues() {
        Matrix a = SyntheticMatrices.gaussian(90, 150, 4);
        double[] exact = reference.gesddValues(a).sigma();
        double[] got = estimate(a, PREVIEW);              // r = 160 ≥ p = 90
        assertEquals(64, got.length);
        for (int i = 0; i < 64; i++) {
            assertEquals(exact[i], got[i], 1e-5 * exact[0], "σ[" + i + "]");
        }
        double[] few = estimate(SyntheticMatrices.gaussian(5, 3, 2), PREVIEW);
        assertEquals(3, few.length, "k capped at p");
    }

    @Test
    void parametersAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> new BlockKrylovSvd.Parameters(0, 4, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockKrylovSvd.Parameters(10, 4, 2, 1));
        assertThrows(IllegalArgumentException.class, () -> new BlockKrylovSvd.Parameters(4, 0, 2, 1));
        assertTrue(PREVIEW.offHeapBytes(4096, 11008) > 4L * 160 * (4096 + 11008), "V and A·V are counted");
    }

    private static double[] estimate(Matrix a, TopValuesMethod method) {
        int m = a.rows();
        int n = a.cols();
        try (FloatPointer at = new FloatPointer((long) m * n)) {
            FloatBuffer buf = at.asBuffer();
            double[] d = a.data();
            for (int i = 0; i < d.length; i++) {
                buf.put(i, (float) d[i]);
            }
            SvdResult r = method.topValuesSingle(at, m, n, PhaseTimes.NONE);
            assertEquals(SvdMethod.RANDOMIZED, r.method());
            return r.sigma();
        }
    }

    private static double worstRelative(double[] exact, double[] estimate, int count) {
        double worst = 0;
        for (int i = 0; i < count; i++) {
            worst = Math.max(worst, Math.abs(exact[i] - estimate[i]) / exact[i]);
        }
        return worst;
    }
}
