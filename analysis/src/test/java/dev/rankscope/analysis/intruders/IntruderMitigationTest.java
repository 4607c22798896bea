package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IntruderMitigationTest {
    private final OjAlgoBackend svd = new OjAlgoBackend();

    @Test
    void scalesExactlyThePlantedIntruderDirection() {
        Matrix[] pair = Fixtures.plantedIntruder(21);
        Matrix w0 = pair[0];
        Matrix wt = pair[1];
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
