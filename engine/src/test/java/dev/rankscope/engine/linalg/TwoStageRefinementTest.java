package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The refinement after the two-stage reduction (which keeps no reflectors): V from the intact Gram
 * by inverse subspace iteration, not from a second, one-stage reduction. The two-stage path is
 * forced at small p with {@code rankscope.twoStageFrom}.
 */
class TwoStageRefinementTest {
    private static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;
    private final NativeBackend always = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
    private String before;

    @BeforeEach
    void forceTwoStage() {
        before = System.getProperty("rankscope.twoStageFrom");
        System.setProperty("rankscope.twoStageFrom", "64");
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty("rankscope.twoStageFrom");
        } else {
            System.setProperty("rankscope.twoStageFrom", before);
        }
    }

    private static DoublePointer gramOf(Matrix a) {
        int m = a.rows();
        int n = a.cols();
        int p = Math.min(m, n);
        DoublePointer buf = new DoublePointer(a.data());
        DoublePointer g = NativeBackend.allocate((long) p * p);
        NativeBackend.syrk(buf, m, n, g);
        buf.close();
        return g;
    }

    @Test
    void aRejectedTwoStageResultIsRefinedWithVectorsFromTheGramItself() {
        int p = 300;
        double[] planted = GramRefinementTest.plantedTiny(p);
        Matrix a = TestMatrices.withKnownSpectrum(400, p, planted, 21);
        try (DoublePointer g = gramOf(a)) {
            double[] lambda = TridiagonalEigen.valuesTwoStage(g, p);
            NativeBackend.GramOutcome outcome = NativeBackend.outcome(lambda, p, 400, TOL);
            assertFalse(outcome.bound().accepted(), "the plain Gram cannot certify σ ≈ 1e-9");
            Optional<GramRefinement> fromGram = GramRefinement.prepareFromGram(g, p, lambda, outcome, 400, p, TOL);
            assertTrue(fromGram.isPresent(), "the refinement is prepared from the Gram, without a one-stage reduction");
            int k = fromGram.get().refinedCount();
            try (GramRefinement r = fromGram.get()) {
                r.addRows(new DoublePointer(a.data()), 400);
                double[] refined = r.finish().orElseThrow(() -> new AssertionError("the a-posteriori bound rejected V"));
                TestMatrices.assertWithin(always.gesddValues(a).sigma(), refined, TOL, "refined from inverse-iteration V vs dgesdd");
            }
            DoublePointer inv = GramRefinement.bottomVectorsInverse(g, p, k, lambda, outcome.bound().eigenvalueError());
            assertNotNull(inv);
            assertEquals(3, k, "split just above the three planted tiny σ, where (G + τI)⁻¹ converges fastest");
            // V is orthonormal and G·V stays in the bottom eigenspace: ‖G·V‖_F ≤ √k·λ_k + rounding
            double[] v = new double[p * k];
            inv.get(v);
            double[] gm = new double[p * p];
            g.get(gm);
            double worst = 0;
            for (int j = 0; j < k; j++) {
                for (int l = 0; l < k; l++) {
                    double dot = 0;
                    for (int i = 0; i < p; i++) {
                        dot += v[j * p + i] * v[l * p + i];
                    }
                    assertEquals(j == l ? 1 : 0, dot, 1e-12, "VᵀV[" + j + "," + l + "]");
                }
                double norm2 = 0;
                for (int i = 0; i < p; i++) {
                    double s = 0;
                    for (int c = 0; c < p; c++) {
                        double gic = i <= c ? gm[c * p + i] : gm[i * p + c];   // upper triangle, column-major
                        s += gic * v[j * p + c];
                    }
                    norm2 += s * s;
                }
                worst = Math.max(worst, Math.sqrt(norm2));
            }
            double lambdaK = lambda[k];                  // smallest eigenvalue outside the bottom k
            assertTrue(worst < 1e-3 * lambdaK, "‖G·v_j‖ " + worst + " vs λ_(k+1) " + lambdaK);
            inv.close();
        }
    }

    @Test
    void inMemoryRefinementAfterTwoStageMatchesDgesdd() {
        for (int[] shape : new int[][] {{400, 300}, {300, 400}}) {
            int m = shape[0];
            int n = shape[1];
            double[] planted = GramRefinementTest.plantedTiny(Math.min(m, n));
            Matrix a = TestMatrices.withKnownSpectrum(m, n, planted, 5);
            SvdResult r = always.singularValues(a, TOL);
            assertEquals(SvdMethod.GRAM_REFINED, r.method(), m + "x" + n);
            TestMatrices.assertWithin(always.gesddValues(a).sigma(), r.sigma(), TOL, m + "x" + n + " vs dgesdd");
            int p = planted.length;
            for (int j = p - 3; j < p; j++) {
                assertTrue(Math.abs(r.sigma()[j] - planted[j]) < 1e-9, "σ[" + j + "] " + r.sigma()[j] + " vs " + planted[j]);
            }
        }
    }

    @Test
    void streamedRefinementAfterTwoStageMatchesDgesdd() {
        int m = 500;
        int n = 256;
        double[] planted = GramRefinementTest.plantedTiny(n);
        Matrix a = TestMatrices.withKnownSpectrum(m, n, planted, 9);
        try (GramAccumulator acc = new GramAccumulator(m, n, 64 * n)) {
            for (int row = 0; row < m; row += 64) {
                int count = Math.min(64, m - row);
                acc.addRows(java.util.Arrays.copyOfRange(a.data(), row * n, (row + count) * n), count);
            }
            GramAccumulator.GramRefinementStep step = acc.finishRefinable(TOL);
            assertFalse(step.outcome().bound().accepted());
            assertTrue(step.refining());
            for (int row = 0; row < m; row += 64) {
                int count = Math.min(64, m - row);
                acc.replayRows(java.util.Arrays.copyOfRange(a.data(), row * n, (row + count) * n), count);
            }
            double[] sigma = acc.finishRefinement().orElseThrow();
            TestMatrices.assertWithin(always.gesddValues(a).sigma(), sigma, TOL, "streamed vs dgesdd");
        }
    }

    @Test
    void aSlowlyConvergingSplitIsLeftToTheOneStagePath() {
        // bottom eigenvalues 1 and 1.5: ρ = 2/3 needs ~90 iterations for 1e-16, more than the cap
        double[] lambda = {1.0, 1.5, 4.0};
        try (DoublePointer g = NativeBackend.allocate(9)) {
            g.fill(0);
            assertNull(GramRefinement.bottomVectorsInverse(g, 3, 1, lambda, 0.0));
        }
    }
}
