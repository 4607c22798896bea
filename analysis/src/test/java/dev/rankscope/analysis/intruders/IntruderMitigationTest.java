package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.testing.OjalgoTestSvd;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IntruderMitigationTest {
    private final OjalgoTestSvd svd = new OjalgoTestSvd();

    @Test
    void scalesExactlyThePlantedIntruderDirection() {
        Random rnd = new Random(21);
        int m = 12, n = 8;
        Matrix full = Fixtures.orthonormalColumns(rnd, m, n + 1);
        Matrix u0 = Matrix.zeros(m, n);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                u0.set(i, j, full.get(i, j));
            }
        }
        Matrix v0 = Fixtures.orthonormalColumns(rnd, n, n);
        Matrix w0 = Fixtures.compose(u0, new double[] {8, 7, 6, 5, 4, 3, 2, 1}, v0);
        Matrix wt = w0.copy();
        Fixtures.addOuter(wt, 100, Fixtures.column(full, n), Fixtures.column(v0, n - 1));
        double[] before = wt.data().clone();

        IntruderMitigation.Mitigated mit = IntruderMitigation.mitigate(w0, wt, svd, IntruderParameters.DEFAULT,
                IntruderMitigation.DEFAULT_LAMBDA);
        assertArrayEquals(new int[] {1}, mit.ranks());
        assertArrayEquals(before, wt.data(), "input untouched");
        double[] sigma = svd.singularValues(mit.matrix(), dev.rankscope.engine.linalg.SvdBackend.Tolerance.DEFAULT).sigma();
        assertEquals(0.75 * Math.hypot(1, 100), sigma[0], 1e-9);
        assertArrayEquals(new double[] {8, 7, 6, 5, 4, 3, 2}, java.util.Arrays.copyOfRange(sigma, 1, 8), 1e-9);

        // λ = 0 removes the direction entirely; λ = 1 changes nothing
        SvdResult tunedSvd = svd.svd(wt);
        double[] removed = svd.singularValues(IntruderMitigation.mitigate(wt, tunedSvd, new int[] {1}, 0), dev.rankscope.engine.linalg.SvdBackend.Tolerance.DEFAULT).sigma();
        assertEquals(7, removed[1], 1e-9);
        assertEquals(0, removed[7], 1e-9);
        assertArrayEquals(wt.data(), IntruderMitigation.mitigate(wt, tunedSvd, new int[] {1}, 1).data(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> IntruderMitigation.mitigate(wt, tunedSvd, new int[] {9}, 0.5));
        assertThrows(IllegalArgumentException.class, () -> IntruderMitigation.mitigate(wt, tunedSvd, new int[] {1}, -1));
    }
}
