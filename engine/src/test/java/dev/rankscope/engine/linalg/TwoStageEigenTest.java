package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two-stage tridiagonal reduction ({@code dsytrd_2stage} + {@code dsterf}) used for large
 * Grams: same eigenvalues as {@code dsyevd} to rounding, the input Gram left intact, and the
 * Gram paths (in memory and streaming) falling back to the one-stage reduction for the
 * Rayleigh–Ritz refinement when the error bound rejects the two-stage values.
 */
class TwoStageEigenTest {
    private static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;

    @AfterEach
    void restore() {
        System.clearProperty("rankscope.twoStageFrom");
    }

    @Test
    void twoStageValuesEqualDsyevdAndLeaveTheGramIntact() {
        Random rnd = new Random(17);
        for (int p : new int[] {1, 2, 37, 150, 301}) {
            double[] g = TestMatrices.randomGram(p, rnd);
            double[] expected;
            double[] got;
            double[] after = new double[p * p];
            try (DoublePointer g1 = new DoublePointer(g); DoublePointer g2 = new DoublePointer(g)) {
                expected = NativeBackend.dsyevdValues(g1, p);
                got = TridiagonalEigen.valuesTwoStage(g2, p);
                g2.get(after);
            }
            assertArrayEquals(g, after, "p=" + p + ": the Gram must be left intact for a one-stage fallback");
            double scale = Math.abs(expected[p - 1]);
            for (int i = 0; i < p; i++) {
                assertTrue(Math.abs(expected[i] - got[i]) <= 1e-13 * scale,
                        "p=" + p + " λ[" + i + "] " + got[i] + " vs dsyevd " + expected[i]);
            }
        }
    }

    @Test
    void largeGramsTakeTheTwoStagePathAndStillRefineTinyValues() {
        System.setProperty("rankscope.twoStageFrom", "64");
        NativeBackend always = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
        // accepted on the two-stage values
        double[] smooth = new double[120];
        for (int i = 0; i < smooth.length; i++) {
            smooth[i] = Math.pow(0.97, i);
        }
        Matrix a = TestMatrices.withKnownSpectrum(200, 120, smooth, 3);
        SvdResult r = always.singularValues(a, TOL);
        assertEquals(SvdMethod.GRAM, r.method());
        TestMatrices.assertWithin(always.gesddValues(a).sigma(), r.sigma(), TOL, "two-stage Gram vs dgesdd");
        // rejected on the two-stage values: refined from the one-stage reflectors of the intact Gram
        double[] tiny = GramRefinementTest.plantedTiny(150);
        Matrix b = TestMatrices.withKnownSpectrum(300, 150, tiny, 4);
        SvdResult refined = always.singularValues(b, TOL);
        assertEquals(SvdMethod.GRAM_REFINED, refined.method());
        TestMatrices.assertWithin(always.gesddValues(b).sigma(), refined.sigma(), TOL, "refined after two-stage rejection");
    }

    @Test
    void streamingAccumulatorUsesTheSameRule() {
        System.setProperty("rankscope.twoStageFrom", "64");
        double[] tiny = GramRefinementTest.plantedTiny(100);
        Matrix b = TestMatrices.withKnownSpectrum(180, 100, tiny, 9);
        NativeBackend always = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
        double[] ref = always.gesddValues(b).sigma();
        try (GramAccumulator acc = new GramAccumulator(180, 100, 100 * 40)) {
            for (int r0 = 0; r0 < 180; r0 += 40) {
                int count = Math.min(40, 180 - r0);
                double[] rows = new double[count * 100];
                System.arraycopy(b.data(), r0 * 100, rows, 0, rows.length);
                acc.addRows(rows, count);
            }
            GramAccumulator.GramRefinementStep step = acc.finishRefinable(TOL);
            assertTrue(step.refining(), "tiny σ: the two-stage values are rejected and a refinement is set up");
            for (int r0 = 0; r0 < 180; r0 += 40) {
                int count = Math.min(40, 180 - r0);
                double[] rows = new double[count * 100];
                System.arraycopy(b.data(), r0 * 100, rows, 0, rows.length);
                acc.replayRows(rows, count);
            }
            double[] sigma = acc.finishRefinement().orElseThrow();
            TestMatrices.assertWithin(ref, sigma, TOL, "streamed, refined after two-stage rejection");
        }
    }
}
