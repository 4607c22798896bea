package dev.rankscope.analysis.intruders;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class IntruderParametersTest {
    @Test
    void validatesBounds() {
        assertEquals(new IntruderParameters(10, 0.5), IntruderParameters.DEFAULT);
        new IntruderParameters(1, 0);
        new IntruderParameters(IntruderParameters.K_MAX, 1);
        assertThrows(IllegalArgumentException.class, () -> new IntruderParameters(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new IntruderParameters(101, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new IntruderParameters(10, -0.01));
        assertThrows(IllegalArgumentException.class, () -> new IntruderParameters(10, 1.01));
        assertThrows(IllegalArgumentException.class, () -> new IntruderParameters(10, Double.NaN));
        assertEquals(new IntruderParameters(3, 0.5), IntruderParameters.DEFAULT.withK(3));
        assertEquals(new IntruderParameters(10, 0.2), IntruderParameters.DEFAULT.withEpsilon(0.2));
    }
}
