package dev.rankscope.analysis.subspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PrincipalAnglesTest {
    private final SvdBackend backend = Backends.select(Backends.Preference.AUTO);

    @Test
    void specCheckShiftedCoordinateSubspaces() {
        // SPEC §11: U_a = I[:, 0:2], U_b = I[:, 1:3] in ℝ⁴ → cosines [1, 0], overlap 0.5
        Matrix a = columns(4, new int[]{0, 1});
        Matrix b = columns(4, new int[]{1, 2});
        PrincipalAngles.Result r = PrincipalAngles.compare(a, b, 2, backend);
        assertArrayEquals(new double[]{1, 0}, r.cosines(), 1e-15);
        assertEquals(0.5, r.overlap(), 1e-15);
    }

    @Test
    void identicalSubspacesHaveEveryCosineOne() {
        Matrix a = orthonormal(12, 5, 7);
        PrincipalAngles.Result r = PrincipalAngles.compare(a, a, 5, backend);
        for (double c : r.cosines()) {
            assertEquals(1.0, c, 1e-12);
        }
        assertEquals(1.0, r.overlap(), 1e-12);
    }

    @Test
    void matchesNumpyOnRandomOrthonormalBases() throws IOException {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/golden/subspace/principal-angles.json")) {
            root = new ObjectMapper().readTree(in);
        }
        int checked = 0;
        for (JsonNode c : root.get("cases")) {
            Matrix a = matrix(c.get("a"));
            Matrix b = matrix(c.get("b"));
            int k = c.get("k").asInt();
            PrincipalAngles.Result r = PrincipalAngles.compare(a, b, k, backend);
            double[] expected = new double[k];
            for (int i = 0; i < k; i++) {
                expected[i] = c.get("cosines").get(i).asDouble();
            }
            assertArrayEquals(expected, r.cosines(), 1e-12, "case m=" + a.rows() + " k=" + k);
            assertEquals(c.get("overlap").asDouble(), r.overlap(), 1e-12);
            checked++;
        }
        assertEquals(4, checked);
    }

    @Test
    void refusesMismatchedSpacesAndTooLargeK() {
        Matrix a = orthonormal(6, 3, 1);
        Matrix b = orthonormal(5, 3, 2);
        assertThrows(IllegalArgumentException.class, () -> PrincipalAngles.compare(a, b, 2, backend));
        assertThrows(IllegalArgumentException.class, () -> PrincipalAngles.compare(a, a, 4, backend));
    }

    static Matrix columns(int m, int[] cols) {
        Matrix x = Matrix.zeros(m, cols.length);
        for (int j = 0; j < cols.length; j++) {
            x.set(cols[j], j, 1);
        }
        return x;
    }

    /** An m×k orthonormal basis: the left singular vectors of a seeded Gaussian matrix. */
    static Matrix orthonormal(int m, int k, long seed) {
        java.util.Random rnd = new java.util.Random(seed);
        double[] d = new double[m * k];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextGaussian();
        }
        Matrix u = Backends.select(Backends.Preference.AUTO).svd(new Matrix(m, k, d)).u();
        return u;
    }

    private static Matrix matrix(JsonNode rows) {
        int m = rows.size();
        int n = rows.get(0).size();
        double[] d = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                d[i * n + j] = rows.get(i).get(j).asDouble();
            }
        }
        return new Matrix(m, n, d);
    }
}
