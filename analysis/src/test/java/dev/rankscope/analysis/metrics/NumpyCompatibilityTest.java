package dev.rankscope.analysis.metrics;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The NumPy/SciPy building blocks of WeightWatcher's MP fit reproduce NumPy 1.24 / SciPy 1.10 bit
 * for bit (expected values printed by {@code /usr/bin/python3} with Debian's numpy and scipy).
 */
class NumpyCompatibilityTest {

    @Test
    void fminMatchesScipyDefaults() {
        // scipy.optimize.fmin(lambda x: (x-3)**2 + 0.1*sin(5x), [1.0]) → 3.2273437500000046 (38 evaluations)
        assertEquals(3.2273437500000046, NelderMead.minimize(x -> (x - 3) * (x - 3) + 0.1 * Math.sin(5 * x), 1.0), 0);
        // fmin(|x − 0.3|, [0.0]) starts from the 0.00025 simplex → 0.30000000000000027
        assertEquals(0.30000000000000027, NelderMead.minimize(x -> Math.abs(x - 0.3), 0.0), 0);
        // fmin(−x, [2.0]) hits maxfun = 200 → 1.2676506002282328e+29
        assertEquals(1.2676506002282328e+29, NelderMead.minimize(x -> -x, 2.0), 0);
    }

    @Test
    void arangeMatchesNumpy() {
        double[] a = MarchenkoPastur.arange(0.05 * 1.2345, 2.0 * 1.2345, 0.01 * 1.2345);
        assertEquals(195, a.length);
        assertEquals(Double.parseDouble("0x1.f9a6b50b0f27cp-5"), a[0], 0);
        assertEquals(Double.parseDouble("0x1.2f640639d5e4ap-4"), a[1], 0);
        assertEquals(Double.parseDouble("0x1.61f4b1ee24356p-4"), a[2], 0);
        assertEquals(Double.parseDouble("0x1.4bd566cf41f1fp+0"), a[100], 0);
        assertEquals(Double.parseDouble("0x1.3a73abc947063p+1"), a[194], 0);
    }

    @Test
    void pairwiseSumMatchesNumpy() {
        double[] v = new double[299];
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sqrt(i + 1.0);
        }
        // np.sum(np.sqrt(np.arange(1.0, 300.0))); a left-to-right sum gives …b5p+11
        assertEquals(Double.parseDouble("0x1.afe78c55438b7p+11"), NumpySum.pairwise(v), 0);
        assertEquals(0.0, NumpySum.pairwise(new double[0]), 0);
    }
}
