package dev.rankscope.views.charts;

import dev.rankscope.application.render.ChartSize;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The export-size form: prefilled, presets, and one clear sentence for each invalid entry. */
class ChartSizeFormTest {

    @Test
    void prefilledWithTheOnScreenSizeAndValid() {
        ChartSizeForm form = new ChartSizeForm(new ChartSize(731, 412));
        assertEquals("731", form.widthProperty().get());
        assertEquals("412", form.heightProperty().get());
        assertEquals(new ChartSize(731, 412), form.sizeProperty().get());
        assertEquals("", form.errorProperty().get());
    }

    @Test
    void presetsFillBothFields() {
        ChartSizeForm form = new ChartSizeForm(new ChartSize(500, 300));
        form.apply(ChartSizeForm.PRESETS.get(2));
        assertEquals("3200", form.widthProperty().get());
        assertEquals("2400", form.heightProperty().get());
        assertEquals(new ChartSize(3200, 2400), form.size().orElseThrow());
    }

    @Test
    void typedSizesAreValidatedWithAMessage() {
        ChartSizeForm form = new ChartSizeForm(new ChartSize(500, 300));
        form.widthProperty().set(" 1234 ");
        assertEquals(new ChartSize(1234, 300), form.sizeProperty().get());

        form.widthProperty().set("12x");
        assertNull(form.sizeProperty().get());
        assertEquals("Width \"12x\" is not a whole number of pixels", form.errorProperty().get());

        form.widthProperty().set("800");
        form.heightProperty().set("10001");
        assertNull(form.sizeProperty().get());
        assertEquals("Height must be between 64 and 10000 pixels, not 10001", form.errorProperty().get());

        form.heightProperty().set("");
        assertTrue(form.errorProperty().get().startsWith("Height is empty"), form.errorProperty().get());

        form.heightProperty().set("63");
        assertTrue(form.size().isEmpty());
        form.heightProperty().set("64");
        assertEquals(new ChartSize(800, 64), form.size().orElseThrow());
        assertEquals("", form.errorProperty().get());
        form.widthProperty().set("10000");
        assertEquals(new ChartSize(10_000, 64), form.size().orElseThrow());
    }

    @Test
    void parseRejectsNegativeAndHugeSides() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChartSizeForm.parse("-5", "100"));
        assertEquals("Width must be between 64 and 10000 pixels, not -5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChartSizeForm.parse("100", "99999999999"));
    }

    @Test
    void onScreenSizesAreClampedIntoTheValidRange() {
        ChartSize fallback = new ChartSize(800, 600);
        assertEquals(fallback, ChartSizeForm.fit(0, 0, fallback), "not laid out yet");
        assertEquals(fallback, ChartSizeForm.fit(Double.NaN, 300, fallback));
        assertEquals(new ChartSize(64, 301), ChartSizeForm.fit(20.2, 300.6, fallback));
        assertEquals(new ChartSize(10_000, 500), ChartSizeForm.fit(20_000, 500, fallback));
    }
}
