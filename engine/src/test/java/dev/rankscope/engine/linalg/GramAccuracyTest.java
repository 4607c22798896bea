package dev.rankscope.engine.linalg;

import dev.rankscope.engine.bench.SyntheticMatrices;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.rankscope.engine.linalg.TestMatrices.assertWithin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The accuracy requirement: against {@code dgesdd} in float64, σ agree to ≤ 1e-6
 * relative for σ ≥ 1e-3·σ₁ and ≤ 1e-7·σ₁ absolute below — for every path the engine may choose
 * (automatic native with the default and the always-try Gram policy, ojAlgo), including
 * ill-conditioned matrices where the Gram path alone is not accurate enough.
 */
class GramAccuracyTest {
    private static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;

    private final NativeBackend reference = new NativeBackend(NativeBackend.GramPolicy.NEVER);
    private final NativeBackend always = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
    private final List<SvdBackend> engines = List.of(new NativeBackend(), always, new OjAlgoBackend());

    private void allPathsMeet(Matrix a, SvdBackend.Tolerance tol, String label) {
        double[] ref = reference.gesddValues(a).sigma();
        for (SvdBackend b : engines) {
            SvdResult r = b.singularValues(a, tol);
            assertWithin(ref, r.sigma(), tol, label + " via " + b.info().backend() + "/" + r.method());
        }
    }

    /** max |Δσ_i|/σ_i over i. */
    private static double maxRelative(double[] ref, double[] got) {
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - ref[i]) / ref[i]);
        }
        return worst;
    }

    @Test
    void wellConditionedUsesGramAndMeetsTolerance() {
        Matrix a = SyntheticMatrices.withSpectrum(400, 300, SyntheticMatrices.powerLawSpectrum(300, 0.6), 11);
        SvdResult r = always.singularValues(a, TOL);
        assertEquals(SvdMethod.GRAM, r.method(), "σ_min/σ₁ ≈ 3e-2: the Gram estimate must accept");
        SvdResult auto = new NativeBackend().singularValues(a, TOL);
        assertEquals(SvdMethod.GRAM, auto.method(), "p = 300 ≥ default minDim 256");
        allPathsMeet(a, TOL, "power law 400x300");
        // wide orientation uses AAᵀ
        Matrix w = SyntheticMatrices.withSpectrum(260, 420, SyntheticMatrices.powerLawSpectrum(260, 0.6), 12);
        assertEquals(SvdMethod.GRAM, always.singularValues(w, TOL).method());
        allPathsMeet(w, TOL, "power law 260x420");
    }

    @Test
    void illConditioned4e5() {
        // σ_min/σ_max = 4e-5 at 400×400 (κ² ≈ 6e8).
        Matrix a = SyntheticMatrices.withSpectrum(400, 400, SyntheticMatrices.logSpectrum(400, 1, 4e-5), 13);
        double[] ref = reference.gesddValues(a).sigma();
        // Under the default tolerance σ_min lies in the absolute regime (< 1e-3·σ₁), where the Gram
        // error ≈ δλ/(2σ) ≈ 1e-9·σ₁ is far inside 1e-7·σ₁: every path must meet it.
        allPathsMeet(a, TOL, "κ=2.5e4 default tolerance");

        // Asking for relative accuracy over the whole spectrum (smallCut 1e-5) is where squaring
        // the condition number shows: the raw Gram path is not accurate enough, the estimate
        // rejects it and the engine repairs with dgesdd.
        SvdBackend.Tolerance strict = new SvdBackend.Tolerance(1e-7, 1e-9, 1e-5);
        NativeBackend.GramOutcome raw = always.gramValues(a, strict);
        assertFalse(raw.bound().accepted(), "Gram estimate must reject relative accuracy at κ = 2.5e4");
        SvdResult repaired = always.singularValues(a, strict);
        assertEquals(SvdMethod.GESDD, repaired.method(), "the engine must report the repair");
        assertWithin(ref, repaired.sigma(), strict, "repaired");
        double rawError = maxRelative(ref, raw.sigma());
        double engineError = maxRelative(ref, repaired.sigma());
        assertTrue(rawError > 100 * Math.max(engineError, 1e-15),
                "raw Gram relative error " + rawError + " should dwarf dgesdd's " + engineError);
        allPathsMeet(a, strict, "κ=2.5e4 strict tolerance");
    }

    @Test
    void nearlySingularRepairsUnderDefaultTolerance() {
        // σ down to 1e-10·σ₁: the Gram error √δλ ≈ 2e-7·σ₁ for the smallest σ exceeds 1e-7·σ₁.
        Matrix a = SyntheticMatrices.withSpectrum(400, 350, SyntheticMatrices.logSpectrum(350, 1, 1e-10), 14);
        NativeBackend.GramOutcome raw = always.gramValues(a, TOL);
        assertFalse(raw.bound().accepted());
        SvdResult r = always.singularValues(a, TOL);
        assertEquals(SvdMethod.GESDD, r.method());
        allPathsMeet(a, TOL, "κ=1e10");
    }

    @Test
    void exactlyRankDeficientAtDefaultSize() {
        double[] sigma = SyntheticMatrices.powerLawSpectrum(260, 0.5);
        for (int i = 180; i < 260; i++) {
            sigma[i] = 0;
        }
        Matrix a = SyntheticMatrices.withSpectrum(260, 260, sigma, 15);
        SvdResult auto = new NativeBackend().singularValues(a, TOL);
        assertEquals(SvdMethod.GESDD, auto.method(), "zero σ cannot be certified by the Gram path at p = 260");
        allPathsMeet(a, TOL, "rank 180 of 260");
    }

    @Test
    void errorEstimateCoversActualGramErrorOnRandomMatrices() {
        // Where the estimate accepts, the actual deviation must be below the estimate.
        for (long seed = 20; seed < 24; seed++) {
            Matrix a = SyntheticMatrices.gaussian(300 + (int) seed, 200, seed);
            double[] ref = reference.gesddValues(a).sigma();
            NativeBackend.GramOutcome g = always.gramValues(a, TOL);
            double[] err = g.bound().errorBound();
            double[] s = g.sigma();
            for (int i = 0; i < ref.length; i++) {
                assertTrue(Math.abs(s[i] - ref[i]) <= err[i] + 4 * GramErrorBound.EPS64 * ref[0],
                        "seed " + seed + " σ[" + i + "] deviation " + Math.abs(s[i] - ref[i]) + " > estimate " + err[i]);
            }
        }
    }
}
