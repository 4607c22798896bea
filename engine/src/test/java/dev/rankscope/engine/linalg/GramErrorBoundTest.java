package dev.rankscope.engine.linalg;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gram error estimate as a pure function: δλ = (p + √K)·eps·σ₁², per-σ error, decision. */
class GramErrorBoundTest {
    private static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;

    @Test
    void emptyAndZeroSpectraAreExact() {
        assertTrue(GramErrorBound.evaluate(new double[0], 0, 0, TOL).accepted());
        GramErrorBound zero = GramErrorBound.evaluate(new double[] {0, 0, 0}, 3, 5, TOL);
        assertTrue(zero.accepted());
        assertEquals(0.0, zero.eigenvalueError());
        for (double e : zero.errorBound()) {
            assertEquals(0.0, e);
        }
    }

    @Test
    void eigenvalueErrorModel() {
        GramErrorBound b = GramErrorBound.evaluate(new double[] {2, 1}, 100, 400, TOL);
        assertEquals((100 + 20) * GramErrorBound.EPS64 * 4, b.eigenvalueError(), 1e-30);
        // σ = 1: lo = √(1 − δλ) ≈ 1, error ≈ δλ/2
        assertEquals(b.eigenvalueError() / 2, b.errorBound()[1], 1e-6 * b.eigenvalueError());
    }

    @Test
    void zeroSingularValueAtLlamaSizeIsRejected() {
        // p = K = 4096: √δλ = √(4160·2⁻⁵³)·σ₁ ≈ 6.9e-7·σ₁ > 1e-7·σ₁
        GramErrorBound b = GramErrorBound.evaluate(new double[] {1, 0.3, 0}, 4096, 4096, TOL);
        assertFalse(b.accepted());
        assertEquals(2, b.worstIndex());
        assertEquals(Math.sqrt(b.eigenvalueError()), b.errorBound()[2], 1e-20);
        assertTrue(b.worstRatio() > 1);
    }

    @Test
    void smallRankDeficientMatrixIsAccepted() {
        // p = 3: √δλ ≈ 2.3e-8·σ₁, inside the absolute tolerance 1e-7·σ₁
        assertTrue(GramErrorBound.evaluate(new double[] {1, 0.5, 0}, 3, 3, TOL).accepted());
    }

    @Test
    void trainedWeightLikeSpectrumIsAcceptedAtLlamaSize() {
        double[] s = new double[4096];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.pow(i + 1, -0.6);      // σ_p/σ₁ ≈ 6.8e-3
        }
        GramErrorBound b = GramErrorBound.evaluate(s, 4096, 11008, TOL);
        assertTrue(b.accepted(), "worst ratio " + b.worstRatio());
        for (double e : b.errorBound()) {
            assertTrue(e <= Math.sqrt(b.eigenvalueError()));
        }
    }

    @Test
    void relativeRegimeNearTheCutIsStricter() {
        // σ just above smallCut·σ₁ must be relative-accurate: with a tolerance of 1e-10 relative
        // the same spectrum fails there, although the absolute regime would pass.
        SvdBackend.Tolerance strict = new SvdBackend.Tolerance(1e-10, 1e-7, 1e-3);
        GramErrorBound b = GramErrorBound.evaluate(new double[] {1, 2e-3}, 1000, 1000, strict);
        assertFalse(b.accepted());
        assertEquals(1, b.worstIndex());
        SvdBackend.Tolerance absOnly = new SvdBackend.Tolerance(1e-10, 1e-7, 1e-2);
        assertTrue(GramErrorBound.evaluate(new double[] {1, 2e-3}, 1000, 1000, absOnly).accepted());
    }
}
