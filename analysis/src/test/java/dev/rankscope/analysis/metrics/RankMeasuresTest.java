package dev.rankscope.analysis.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankMeasuresTest {

    @Test
    void specCheckValues() {
        RankMetrics r = RankMeasures.compute(new double[]{3, 2, 1}, 3, 5);
        assertEquals(2.7495, r.effectiveRank(), 5e-5);
        assertEquals(2.2944, r.energyEffectiveRank(), 5e-5);
        assertEquals(14.0 / 9.0, r.stableRank(), 1e-12);
        assertEquals(1.5556, r.stableRank(), 5e-5);
        assertEquals(0.75593, r.spectralEntropy(), 5e-6);
        assertEquals(3, r.numericalRank());
        assertEquals(2, r.rankAt90());
        assertEquals(3, r.rankAt95());
        assertEquals(3, r.rankAt99());
        assertEquals(6, r.nuclearNorm(), 1e-12);
        assertEquals(Math.sqrt(14), r.frobeniusNorm(), 1e-12);
        assertEquals(3, r.spectralNorm(), 0);
        assertEquals(3, r.conditionNumber(), 1e-12);
        assertEquals(Math.log10(14), r.logNorm(), 1e-12);
        assertEquals(Math.log10(9), r.logSpectralNorm(), 1e-12);
        assertFalse(r.zeroMatrix());
    }

    @Test
    void cumulativeEnergyAndRankAtEnergy() {
        double[] c = RankMeasures.cumulativeEnergy(new double[]{3, 2, 1});
        assertArrayEquals(new double[]{9.0 / 14, 13.0 / 14, 1.0}, c, 1e-12);
        assertEquals(0.6429, c[0], 5e-5);
        assertEquals(0.9286, c[1], 5e-5);
        assertEquals(1.0, c[2], 0);
        assertEquals(2, RankMeasures.rankAtEnergy(new double[]{3, 2, 1}, 0.90));
        assertEquals(3, RankMeasures.rankAtEnergy(new double[]{3, 2, 1}, 0.95));
        assertEquals(1, RankMeasures.rankAtEnergy(new double[]{3, 2, 1}, 9.0 / 14));
        assertEquals(2, RankMeasures.rankAtEnergy(new double[]{3, 2, 1}, 9.0 / 14 + 1e-9));
        assertEquals(3, RankMeasures.rankAtEnergy(new double[]{3, 2, 1}, 1.0));
        assertEquals(0, RankMeasures.rankAtEnergy(new double[]{3, 2, 1}, 0.0));
        assertEquals(2, RankMeasures.rankAtEnergyFromCumulative(c, 0.9));
        assertThrows(IllegalArgumentException.class, () -> RankMeasures.rankAtEnergy(new double[]{1}, 1.5));
    }

    @Test
    void rankAtEnergyMatchesLinearScan() {
        java.util.Random rnd = new java.util.Random(7);
        double[] s = new double[300];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.exp(-i / 40.0) * (1 + 0.01 * rnd.nextDouble());
        }
        java.util.Arrays.sort(s);
        for (int i = 0; i < s.length / 2; i++) {
            double t = s[i];
            s[i] = s[s.length - 1 - i];
            s[s.length - 1 - i] = t;
        }
        double total = 0;
        for (double v : s) {
            total += v * v;
        }
        for (double tau = 0.05; tau < 1; tau += 0.0137) {
            int expected = 0;
            double run = 0;
            while (run / total < tau) {
                run += s[expected] * s[expected];
                expected++;
            }
            assertEquals(expected, RankMeasures.rankAtEnergy(s, tau), "tau " + tau);
        }
    }

    @Test
    void zeroMatrixGivesZeroRanksAndFlag() {
        RankMetrics r = RankMeasures.compute(new double[]{0, 0, 0}, 3, 4);
        assertTrue(r.zeroMatrix());
        assertEquals(0, r.effectiveRank());
        assertEquals(0, r.energyEffectiveRank());
        assertEquals(0, r.stableRank());
        assertEquals(0, r.numericalRank());
        assertEquals(0, r.rankAt90());
        assertEquals(0, r.rankAt95());
        assertEquals(0, r.rankAt99());
        assertEquals(Double.POSITIVE_INFINITY, r.conditionNumber());
        assertTrue(Double.isNaN(r.spectralEntropy()));
        assertArrayEquals(new double[]{0, 0, 0}, RankMeasures.cumulativeEnergy(new double[]{0, 0, 0}));
    }

    @Test
    void singleSingularValue() {
        RankMetrics r = RankMeasures.compute(new double[]{2.5}, 1, 7);
        assertEquals(1, r.effectiveRank(), 1e-12);
        assertEquals(1, r.energyEffectiveRank(), 1e-9);
        assertEquals(1, r.stableRank(), 1e-12);
        assertEquals(1, r.numericalRank());
        assertEquals(1, r.rankAt90());
        assertEquals(1, r.rankAt99());
        assertEquals(1, r.conditionNumber(), 0);
        assertTrue(Double.isNaN(r.spectralEntropy()), "ln(1) = 0: entropy undefined");
    }

    @Test
    void conditionNumberInfiniteWhenSmallestIsZero() {
        RankMetrics r = RankMeasures.compute(new double[]{4, 1, 0}, 3, 3);
        assertEquals(Double.POSITIVE_INFINITY, r.conditionNumber());
        assertEquals(2, r.numericalRank());
        assertFalse(r.zeroMatrix());
        // 0·ln0 = 0: the zero contributes nothing
        assertEquals(RankMeasures.compute(new double[]{4, 1}, 2, 3).effectiveRank(), r.effectiveRank(), 1e-15);
    }

    @Test
    void numericalRankFollowsNumpyRule() {
        int m = 1000;
        int n = 10;
        double tol = 1.0 * m * Math.ulp(1.0); // σ₁ = 1, max(m, n) = 1000
        RankMetrics r = RankMeasures.compute(new double[]{1, 1e-3, tol * 1.5, tol, tol * 0.5}, m, n);
        assertEquals(3, r.numericalRank(), "σ = tol is not counted (strict >)");
        assertEquals(tol, RankMeasures.numpyTolerance(1, m, n), 0);
        RankMetrics custom = RankMeasures.compute(new double[]{1, 1e-3, tol * 1.5, tol, tol * 0.5}, m, n, 1e-2);
        assertEquals(1, custom.numericalRank());
    }

    @Test
    void rejectsBadSpectra() {
        assertThrows(IllegalArgumentException.class, () -> RankMeasures.compute(new double[]{1, 2}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> RankMeasures.compute(new double[]{1, Double.NaN}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> RankMeasures.compute(new double[]{1, -1}, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> RankMeasures.compute(new double[]{3, 2, 1}, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> RankMeasures.compute(new double[]{1}, 1, 1, -1));
    }
}
