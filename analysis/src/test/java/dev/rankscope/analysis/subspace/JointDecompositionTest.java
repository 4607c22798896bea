package dev.rankscope.analysis.subspace;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JointDecompositionTest {
    private final SvdBackend backend = Backends.select(Backends.Preference.AUTO);

    @Test
    void plantedSharedRightSubspaceIsFoundWithItsDimension() {
        // 4 "layers" W_l = A_l·Pᵀ + noise with one planted 4-dimensional row space P ⊂ ℝ³²
        int n = 32;
        int d = 4;
        Random rnd = new Random(11);
        Matrix p = PrincipalAnglesTest.orthonormal(n, d, 99);
        List<Matrix> layers = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        List<double[]> sigmas = new ArrayList<>();
        for (int l = 0; l < 4; l++) {
            Matrix w = Matrix.zeros(24, n);
            for (int i = 0; i < 24; i++) {
                double[] a = new double[d];
                for (int t = 0; t < d; t++) {
                    a[t] = rnd.nextGaussian() * (t + 2);
                }
                for (int j = 0; j < n; j++) {
                    double v = 0.01 * rnd.nextGaussian();
                    for (int t = 0; t < d; t++) {
                        v += a[t] * p.get(j, t);
                    }
                    w.set(i, j, v);
                }
            }
            layers.add(w);
            ids.add("layers." + l + ".k_proj");
            sigmas.add(backend.singularValues(w, SvdBackend.Tolerance.DEFAULT).sigma());
        }
        // every pair of right subspaces: exactly d cosines near 1 at k = 2d
        for (int a = 0; a < 4; a++) {
            for (int b = a + 1; b < 4; b++) {
                SingularBasis ba = SingularBasis.of(ids.get(a), backend.svd(layers.get(a)));
                SingularBasis bb = SingularBasis.of(ids.get(b), backend.svd(layers.get(b)));
                PrincipalAngles.Result r = PrincipalAngles.compare(ba.basis(Side.RIGHT), bb.basis(Side.RIGHT), 2 * d, backend);
                int shared = 0;
                for (double c : r.cosines()) {
                    shared += c > 0.99 ? 1 : 0;
                }
                assertEquals(d, shared, "planted dimension between " + a + " and " + b);
            }
        }
        // the stacked matrix needs the planted rank for 1 % error, and sharing saves parameters
        JointDecomposition.Result j = JointDecomposition.analyse(ids, layers, sigmas, Stacking.VERTICAL, 0.01, backend);
        assertEquals(d, j.sharedRank());
        assertEquals((long) d * (n + 4 * 24), j.sharedParams());
        assertArrayEquals(new int[]{d, d, d, d}, j.separateRanks());
        assertEquals(4L * d * (24 + n), j.separateParams());
        assertTrue(j.savedParams() > 0);
        assertTrue(j.separateRelError() <= j.sharedRelError() + 1e-15);
    }

    @Test
    void separateRanksEqualBruteForceOnSmallCases() {
        Random rnd = new Random(5);
        int cases = 0;
        for (int trial = 0; trial < 60; trial++) {
            int g = 2 + rnd.nextInt(2);
            List<int[]> shapes = new ArrayList<>();
            List<double[]> sigmas = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            int n = 3 + rnd.nextInt(3);
            for (int i = 0; i < g; i++) {
                int m = 2 + rnd.nextInt(5); // unequal m + n: the exact programme, not the greedy rule
                int p = Math.min(m, n);
                double[] s = new double[p];
                double v = 1 + rnd.nextDouble() * 5;
                for (int j = 0; j < p; j++) {
                    s[j] = v;
                    v *= 0.2 + 0.7 * rnd.nextDouble();
                }
                shapes.add(new int[]{m, n});
                sigmas.add(s);
                ids.add("m" + i);
            }
            // a plausible stacked spectrum (its values only set the shared rank and hence the discarded energy)
            double[] stacked = mergedDescending(sigmas);
            double target = 0.05 + 0.5 * rnd.nextDouble();
            JointDecomposition.Result r = JointDecomposition.fromSpectra(ids, shapes, stacked, sigmas, Stacking.VERTICAL, target);
            double total = 0;
            for (double[] s : sigmas) {
                for (double x : s) {
                    total += x * x;
                }
            }
            double allowed = r.sharedRelError() * r.sharedRelError() * total;
            long brute = bruteForce(sigmas, shapes, allowed, 0, new int[g]);
            assertEquals(brute, r.separateParams(), "trial " + trial);
            assertTrue(r.separateExact());
            cases++;
        }
        assertEquals(60, cases);
    }

    @Test
    void refusesGroupsOfOneAndIncompatibleShapes() {
        Matrix a = Matrix.zeros(3, 4);
        Matrix b = Matrix.zeros(3, 5);
        double[] s = {0, 0, 0};
        IllegalArgumentException one = assertThrows(IllegalArgumentException.class,
                () -> JointDecomposition.analyse(List.of("a"), List.of(a), List.of(s), Stacking.VERTICAL, 0.1, backend));
        assertTrue(one.getMessage().contains("at least two"));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> JointDecomposition.analyse(List.of("a", "b"), List.of(a, b), List.of(s, s), Stacking.VERTICAL, 0.1, backend));
        assertTrue(shape.getMessage().contains("b (3×5)"), shape.getMessage());
    }

    @Test
    void horizontalStackSharesTheOutputDimension() {
        Matrix a = new Matrix(2, 2, new double[]{1, 2, 3, 4});
        Matrix b = new Matrix(2, 1, new double[]{5, 6});
        Matrix s = JointDecomposition.stack(List.of("a", "b"), List.of(a, b), Stacking.HORIZONTAL);
        assertArrayEquals(new double[]{1, 2, 5, 3, 4, 6}, s.data());
    }

    private static long bruteForce(List<double[]> sigmas, List<int[]> shapes, double allowed, int i, int[] ranks) {
        if (i == sigmas.size()) {
            double discarded = 0;
            long cost = 0;
            for (int t = 0; t < ranks.length; t++) {
                double[] s = sigmas.get(t);
                for (int j = ranks[t]; j < s.length; j++) {
                    discarded += s[j] * s[j];
                }
                cost += (long) ranks[t] * (shapes.get(t)[0] + shapes.get(t)[1]);
            }
            return discarded <= allowed * (1 + 1e-9) + 1e-300 ? cost : Long.MAX_VALUE;
        }
        long best = Long.MAX_VALUE;
        for (int k = 0; k <= sigmas.get(i).length; k++) {
            ranks[i] = k;
            best = Math.min(best, bruteForce(sigmas, shapes, allowed, i + 1, ranks));
        }
        return best;
    }

    private static double[] mergedDescending(List<double[]> sigmas) {
        return sigmas.stream().flatMapToDouble(java.util.Arrays::stream).boxed()
                .sorted(java.util.Comparator.reverseOrder()).mapToDouble(Double::doubleValue).toArray();
    }
}
