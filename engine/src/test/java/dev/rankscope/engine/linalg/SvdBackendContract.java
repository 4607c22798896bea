package dev.rankscope.engine.linalg;

import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.spectrum.Precision;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Set;

import static dev.rankscope.engine.linalg.TestMatrices.assertDescendingNonNegative;
import static dev.rankscope.engine.linalg.TestMatrices.assertWithin;
import static dev.rankscope.engine.linalg.TestMatrices.orthonormalityError;
import static dev.rankscope.engine.linalg.TestMatrices.reconstructionError;
import static dev.rankscope.engine.linalg.TestMatrices.withKnownSpectrum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link SvdBackend} contract (after EJML's StandardSvdChecks), run against every backend
 * and path: shapes, ordering, no mutation, NaN rejection, accuracy per {@link SvdBackend.Tolerance},
 * orthonormal factors that reconstruct A.
 */
abstract class SvdBackendContract {

    static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;
    /** Factor accuracy: orthonormality and reconstruction, relative to σ₁, for dgesdd-class algorithms. */
    static final double FACTOR_TOL = 1e-12;

    /** The backend under test. */
    abstract SvdBackend backend();

    /** Methods this backend may report for values-only calls. */
    abstract Set<SvdMethod> valueMethods();

    /** Method it reports for {@link SvdBackend#svd}. */
    abstract SvdMethod vectorMethod();

    private double[] values(Matrix a) {
        double[] before = a.data().clone();
        SvdResult r = backend().singularValues(a, TOL);
        assertArrayEquals(before, a.data(), "input modified by singularValues");
        assertTrue(valueMethods().contains(r.method()), "unexpected method " + r.method());
        assertNull(r.u());
        assertNull(r.vt());
        assertEquals(a.minDim(), r.size());
        assertDescendingNonNegative(r.sigma(), "values");
        return r.sigma();
    }

    private SvdResult fullSvd(Matrix a) {
        double[] before = a.data().clone();
        SvdResult r = backend().svd(a);
        assertArrayEquals(before, a.data(), "input modified by svd");
        assertEquals(vectorMethod(), r.method());
        int p = a.minDim();
        assertEquals(p, r.size());
        assertEquals(a.rows(), r.u().rows());
        assertEquals(p, r.u().cols());
        assertEquals(p, r.vt().rows());
        assertEquals(a.cols(), r.vt().cols());
        assertDescendingNonNegative(r.sigma(), "svd");
        double scale = Math.max(1, p == 0 ? 0 : r.sigma(0));
        assertTrue(orthonormalityError(r.u(), true) <= FACTOR_TOL * Math.max(1, a.rows()), "U columns not orthonormal");
        assertTrue(orthonormalityError(r.vt(), false) <= FACTOR_TOL * Math.max(1, a.cols()), "Vᵀ rows not orthonormal");
        assertTrue(reconstructionError(a, r) <= FACTOR_TOL * scale * Math.max(1, p), "U Σ Vᵀ does not reconstruct A");
        return r;
    }

    private void checkKnown(int m, int n, double[] sigma, long seed) {
        Matrix a = withKnownSpectrum(m, n, sigma, seed);
        double[] expected = Arrays.copyOf(sigma, Math.min(m, n));
        assertWithin(expected, values(a), TOL, m + "x" + n + " values");
        SvdResult r = fullSvd(a);
        assertWithin(expected, r.sigma(), TOL, m + "x" + n + " svd");
    }

    @Test
    void tall() {
        checkKnown(60, 25, SyntheticMatrices.logSpectrum(25, 3, 0.1), 1);
    }

    @Test
    void wide() {
        checkKnown(25, 60, SyntheticMatrices.logSpectrum(25, 3, 0.1), 2);
    }

    @Test
    void square() {
        checkKnown(40, 40, SyntheticMatrices.logSpectrum(40, 10, 0.5), 3);
    }

    @Test
    void knownSpectrumLarger() {
        checkKnown(220, 150, SyntheticMatrices.powerLawSpectrum(150, 0.6), 4);
    }

    @Test
    void rowAndColumnVectors() {
        double[] row = {3, -4, 0, 12};   // norm 13
        Matrix r = new Matrix(1, 4, row);
        assertEquals(13, values(r)[0], 1e-13);
        assertEquals(13, fullSvd(r).sigma(0), 1e-13);
        Matrix c = new Matrix(4, 1, row.clone());
        assertEquals(13, values(c)[0], 1e-13);
        assertEquals(13, fullSvd(c).sigma(0), 1e-13);
    }

    @Test
    void emptyShapes() {
        for (Matrix a : new Matrix[] {Matrix.zeros(0, 5), Matrix.zeros(5, 0), Matrix.zeros(0, 0)}) {
            SvdResult v = backend().singularValues(a, TOL);
            assertEquals(0, v.size());
            SvdResult f = backend().svd(a);
            assertEquals(0, f.size());
            assertEquals(a.rows(), f.u().rows());
            assertEquals(0, f.u().cols());
            assertEquals(0, f.vt().rows());
            assertEquals(a.cols(), f.vt().cols());
        }
    }

    @Test
    void zeroMatrix() {
        Matrix z = Matrix.zeros(30, 20);
        for (double s : values(z)) {
            assertEquals(0.0, s);
        }
        SvdResult r = fullSvd(z);
        for (double s : r.sigma()) {
            assertEquals(0.0, s);
        }
    }

    @Test
    void identity() {
        Matrix id = Matrix.zeros(30, 30);
        for (int i = 0; i < 30; i++) {
            id.set(i, i, 1);
        }
        for (double s : values(id)) {
            assertEquals(1.0, s, 1e-14);
        }
        fullSvd(id);
    }

    @Test
    void rankDeficient() {
        double[] sigma = new double[40];
        System.arraycopy(new double[] {5, 4, 3, 2, 1}, 0, sigma, 0, 5);
        checkKnown(50, 40, sigma, 5);
    }

    @Test
    void tinySingularValues() {
        checkKnown(60, 50, SyntheticMatrices.logSpectrum(50, 1, 1e-12), 6);
    }

    @Test
    void descendingOnRandomInput() {
        Matrix g = SyntheticMatrices.gaussian(70, 45, 7);
        values(g);
        fullSvd(g);
    }

    @Test
    void nonFiniteRejected() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Matrix a = SyntheticMatrices.gaussian(6, 4, 8);
            a.set(3, 2, bad);
            LinalgException e1 = assertThrows(LinalgException.class, () -> backend().singularValues(a, TOL));
            assertFalse(e1.userMessage().isBlank());
            assertTrue(e1.getMessage().contains("(3, 2)"), e1.getMessage());
            assertThrows(LinalgException.class, () -> backend().svd(a));
            assertThrows(LinalgException.class, () -> backend().singularValues(a, TOL, Precision.F32));
        }
    }

    @Test
    void float32CloseToFloat64() {
        Matrix a = withKnownSpectrum(80, 50, SyntheticMatrices.logSpectrum(50, 2, 0.01), 9);
        double[] before = a.data().clone();
        SvdResult f32 = backend().singularValues(a, TOL, Precision.F32);
        assertArrayEquals(before, a.data(), "input modified by the float32 path");
        assertDescendingNonNegative(f32.sigma(), "f32");
        double[] f64 = values(a);
        double s1 = f64[0];
        for (int i = 0; i < f64.length; i++) {
            // float32: ≈ p·2⁻²⁴·σ₁ absolute
            assertEquals(f64[i], f32.sigma(i), 50 * 0x1.0p-24 * s1, "σ[" + i + "]");
        }
    }
}
