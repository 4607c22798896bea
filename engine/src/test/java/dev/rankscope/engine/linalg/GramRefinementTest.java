package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rayleigh–Ritz refinement of the tiny σ a plain Gram cannot resolve ({@link GramRefinement}),
 * and the dsytrd + dsterf split of dsyevd ({@link TridiagonalEigen}).
 */
class GramRefinementTest {
    private static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;
    private final NativeBackend always = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);

    /** σ₁ = 1, p − 3 values log-spaced down to 1e-4, then 1e-7, 3e-8, 1e-9 (tiny, below the Gram's reach). */
    static double[] plantedTiny(int p) {
        double[] s = new double[p];
        int body = p - 3;
        for (int i = 0; i < body; i++) {
            s[i] = Math.pow(1e-4, (double) i / (body - 1));
        }
        s[body] = 1e-7;
        s[body + 1] = 3e-8;
        s[body + 2] = 1e-9;
        return s;
    }

    private void assertRefined(int m, int n, long seed) {
        double[] planted = plantedTiny(Math.min(m, n));
        Matrix a = TestMatrices.withKnownSpectrum(m, n, planted, seed);
        NativeBackend.GramOutcome plain = always.gramValues(a, TOL);
        assertFalse(plain.bound().accepted(), "the plain Gram cannot certify σ ≈ 1e-9");
        SvdResult r = always.singularValues(a, TOL);
        assertEquals(SvdMethod.GRAM_REFINED, r.method(), m + "x" + n);
        double[] ref = always.gesddValues(a).sigma();
        TestMatrices.assertWithin(ref, r.sigma(), TOL, m + "x" + n + " vs dgesdd");
        TestMatrices.assertWithin(planted, r.sigma(), TOL, m + "x" + n + " vs planted");
        // The refined tiny values are far better than the Gram's noise floor √δλ ≈ 2e-7.
        int p = planted.length;
        for (int j = p - 3; j < p; j++) {
            assertTrue(Math.abs(r.sigma()[j] - planted[j]) < 1e-9, "σ[" + j + "] " + r.sigma()[j] + " vs " + planted[j]);
        }
    }

    @Test
    void squareTinyValuesAreRefined() {
        assertRefined(400, 400, 11);
    }

    @Test
    void tallTinyValuesAreRefined() {
        assertRefined(600, 300, 12);
    }

    @Test
    void wideTinyValuesAreRefined() {
        assertRefined(300, 600, 13);
    }

    @Test
    void continuumOfTinyValuesBeyondTheCapFallsBackToGesdd() {
        // 10 decades over 300 values: ~100 σ below the Gram's reach > cap p/4 = 75.
        double[] s = new double[300];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.pow(1e-10, (double) i / (s.length - 1));
        }
        Matrix a = TestMatrices.withKnownSpectrum(300, 300, s, 14);
        assertFalse(always.gramValues(a, TOL).bound().accepted());
        SvdResult r = always.singularValues(a, TOL);
        assertEquals(SvdMethod.GESDD, r.method());
        org.junit.jupiter.api.Assertions.assertArrayEquals(always.gesddValues(a).sigma(), r.sigma(), 0.0);
    }

    @Test
    void tridiagonalSplitEqualsDsyevd() {
        Random rnd = new Random(7);
        for (int p : new int[] {1, 2, 37, 150, 301}) {
            double[] g = TestMatrices.randomGram(p, rnd);
            double[] expected;
            double[] got;
            try (DoublePointer g1 = new DoublePointer(g); DoublePointer g2 = new DoublePointer(g)) {
                expected = NativeBackend.dsyevdValues(g1, p);
                try (TridiagonalEigen eig = TridiagonalEigen.reduce(g2, p)) {
                    got = eig.lambda.clone();
                }
            }
            double scale = Math.abs(expected[p - 1]);
            for (int i = 0; i < p; i++) {
                assertTrue(Math.abs(expected[i] - got[i]) <= 1e-15 * scale,
                        "p=" + p + " λ[" + i + "] " + got[i] + " vs dsyevd " + expected[i]);
            }
        }
    }
}
