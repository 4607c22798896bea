package dev.rankscope.analysis.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PowerLawTest {

    private static final double[] SPEC_X = {1, 1.5, 2, 3, 5, 8, 13};

    @Test
    void specCheckValues() {
        PowerLawFit fit = PowerLaw.fitEigenvalues(SPEC_X);
        assertNotNull(fit);
        assertEquals(1.0, fit.xmin(), 0);
        assertEquals(1.8283, fit.alpha(), 5e-5);
        assertEquals(0.1689, fit.ksDistance(), 5e-5);
        assertEquals(0.8283 / Math.sqrt(7), fit.sigmaAlpha(), 1e-4);
        assertEquals(7, fit.numTail());
        assertEquals(fit.alpha() * Math.log10(13), fit.alphaWeighted(), 1e-12);
        double direct = 0;
        for (double v : SPEC_X) {
            direct += Math.pow(v, fit.alpha());
        }
        assertEquals(Math.log10(direct), fit.logAlphaNorm(), 1e-12);
        assertEquals("over-trained", fit.verdict());
    }

    @Test
    void specRunnerUp() {
        List<PowerLaw.Candidate> cs = PowerLaw.candidates(SPEC_X);
        assertEquals(6, cs.size(), "all candidates but the last");
        PowerLaw.Candidate winner = PowerLaw.best(cs);
        assertEquals(0, winner.index());
        PowerLaw.Candidate runnerUp = cs.stream().filter(c -> c != winner)
                .min((a, b) -> Double.compare(a.ksDistance(), b.ksDistance())).orElseThrow();
        assertEquals(1.5, runnerUp.xmin(), 0);
        assertEquals(6, runnerUp.tailSize());
        assertEquals(1.9970, runnerUp.alpha(), 5e-5);
        assertEquals(0.1989, runnerUp.ksDistance(), 5e-5);
        // D is the exact maximum of the SPEC formula (independent evaluation with Math.pow)
        for (PowerLaw.Candidate c : cs) {
            double d = 0;
            for (int j = c.index(); j < SPEC_X.length; j++) {
                d = Math.max(d, Math.abs(1 - Math.pow(SPEC_X[j] / c.xmin(), 1 - c.alpha())
                        - (j - c.index()) / (double) c.tailSize()));
            }
            assertEquals(d, c.ksDistance(), 1e-12);
        }
    }

    @Test
    void prunedSearchEqualsExhaustiveSearch() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 12; trial++) {
            int size = 50 + rnd.nextInt(1200);
            double[] lambda = switch (trial % 4) {
                case 0 -> mpWithTail(rnd, size, 0.05, 2.5);
                case 1 -> pareto(rnd, size, 1.5 + 3 * rnd.nextDouble());
                case 2 -> mpWithTail(rnd, size, 0.0, 3);
                default -> quantised(rnd, size); // many exact ties
            };
            PowerLaw.Candidate expected = PowerLaw.best(PowerLaw.candidates(lambda));
            PowerLawFit fit = PowerLaw.fitEigenvalues(lambda);
            assertEquals(expected.xmin(), fit.xmin(), 0, "trial " + trial);
            assertEquals(expected.alpha(), fit.alpha(), 0, "trial " + trial);
            assertEquals(expected.ksDistance(), fit.ksDistance(), 0, "trial " + trial);
        }
    }

    @Test
    void largeSpectraNeedFarFewerTermsThanTheExhaustiveSearch() {
        // counted, not timed, so the check does not depend on machine load
        Random rnd = new Random(3);
        double[][] spectra = {mpWithTail(rnd, 32_000, 0.02, 2.5), pareto(rnd, 32_000, 3), mpWithTail(rnd, 32_000, 0, 3)};
        for (double[] lambda : spectra) {
            long exhaustive = (long) lambda.length * (lambda.length + 1) / 2;
            long terms = PowerLaw.termsEvaluated(lambda);
            assertTrue(terms < exhaustive / 50, terms + " terms of " + exhaustive);
            PowerLawFit fit = PowerLaw.fitEigenvalues(lambda);
            assertNotNull(fit);
            assertTrue(fit.alpha() > 1.5 && fit.alpha() < 12, "alpha " + fit.alpha());
        }
    }

    @Test
    void recoversParetoExponent() {
        // density ∝ x^{-α} with α = 3: Hill's estimate should be close for 5000 samples
        PowerLawFit fit = PowerLaw.fitEigenvalues(pareto(new Random(1), 5000, 3.0));
        assertEquals(3.0, fit.alpha(), 0.25);
        assertEquals("", fit.verdict());
    }

    @Test
    void sigmaOverloadSquares() {
        double[] sigma = new double[SPEC_X.length];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = Math.sqrt(SPEC_X[SPEC_X.length - 1 - i]);
        }
        assertEquals(PowerLaw.fitEigenvalues(SPEC_X).alpha(), PowerLaw.fit(sigma).alpha(), 1e-12);
    }

    @Test
    void tooFewEigenvaluesGiveNull() {
        assertNull(PowerLaw.fitEigenvalues(new double[]{5, 1e-6, 0}));
        assertNull(PowerLaw.fit(new double[]{0, 0}));
        assertTrue(PowerLaw.candidates(new double[]{1}).isEmpty());
        assertNotNull(PowerLaw.fitEigenvalues(new double[]{5, 2e-5}));
        assertThrows(IllegalArgumentException.class, () -> PowerLaw.fitEigenvalues(new double[]{1, Double.NaN}));
    }

    @Test
    void flatTailHasInfiniteAlpha() {
        List<PowerLaw.Candidate> cs = PowerLaw.candidates(new double[]{1, 2, 2, 2});
        assertEquals(Double.POSITIVE_INFINITY, cs.get(1).alpha());
        assertEquals(2.0 / 3.0, cs.get(1).ksDistance(), 0);
        assertNull(PowerLaw.fitEigenvalues(new double[]{2, 2, 2, 2}), "all candidates have α = ∞");
        assertEquals(Double.POSITIVE_INFINITY, PowerLaw.best(PowerLaw.candidates(new double[]{2, 2, 2, 2})).alpha());
    }

    @Test
    void verdicts() {
        assertEquals("over-trained", PowerLaw.verdict(1.9));
        assertEquals("", PowerLaw.verdict(2));
        assertEquals("", PowerLaw.verdict(6));
        assertEquals("under-trained", PowerLaw.verdict(6.1));
    }

    static double[] pareto(Random rnd, int n, double alpha) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.pow(1 - rnd.nextDouble(), -1 / (alpha - 1));
        }
        return x;
    }

    /** A Marchenko–Pastur-like bulk (Q = 1) with a fraction of Pareto outliers on top. */
    static double[] mpWithTail(Random rnd, int n, double tailFraction, double alpha) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double g = 0;
            for (int k = 0; k < 4; k++) {
                double z = rnd.nextGaussian();
                g += z * z;
            }
            x[i] = g / 4;
            if (rnd.nextDouble() < tailFraction) {
                x[i] = 4 * Math.pow(1 - rnd.nextDouble(), -1 / (alpha - 1));
            }
        }
        return x;
    }

    static double[] quantised(Random rnd, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.25 * (1 + rnd.nextInt(40));
        }
        return x;
    }
}
