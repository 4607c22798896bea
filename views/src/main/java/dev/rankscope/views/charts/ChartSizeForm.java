package dev.rankscope.views.charts;

import dev.rankscope.application.render.ChartSize;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.List;
import java.util.Optional;

/**
 * The state of the "export at size" dialog: width and height as typed (prefilled with the chart's
 * on-screen size), the parsed {@link ChartSize} when both are valid, and otherwise one sentence
 * saying what is wrong. Presets fill both fields. The dialog binds to this; tests drive it
 * directly. FX thread only (plain JavaFX properties).
 */
public final class ChartSizeForm {
    /** Sizes offered as one-click presets: screen, print at 2× and 4×. */
    public static final List<ChartSize> PRESETS = List.of(new ChartSize(800, 600), new ChartSize(1600, 1200),
            new ChartSize(3200, 2400));

    private final ChartSize onScreen;
    private final StringProperty width = new SimpleStringProperty();
    private final StringProperty height = new SimpleStringProperty();
    private final ReadOnlyObjectWrapper<ChartSize> size = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");

    /** A form prefilled with {@code onScreen}. */
    public ChartSizeForm(ChartSize onScreen) {
        this.onScreen = onScreen;
        width.addListener((o, a, b) -> validate());
        height.addListener((o, a, b) -> validate());
        apply(onScreen);
    }

    /** The size the form was opened with (the chart's size on screen, clamped to the valid range). */
    public ChartSize onScreen() {
        return onScreen;
    }

    /** Fills both fields with {@code preset}. */
    public void apply(ChartSize preset) {
        width.set(Integer.toString(preset.width()));
        height.set(Integer.toString(preset.height()));
    }

    /** Width in pixels as typed. */
    public StringProperty widthProperty() {
        return width;
    }

    /** Height in pixels as typed. */
    public StringProperty heightProperty() {
        return height;
    }

    /** The valid size typed, or null while a field is invalid. */
    public ReadOnlyObjectProperty<ChartSize> sizeProperty() {
        return size.getReadOnlyProperty();
    }

    /** The valid size typed, if any. */
    public Optional<ChartSize> size() {
        return Optional.ofNullable(size.get());
    }

    /** Why the typed size is invalid, empty when valid. */
    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    private void validate() {
        try {
            ChartSize s = parse(width.get(), height.get());
            size.set(s);
            error.set("");
        } catch (IllegalArgumentException e) {
            size.set(null);
            error.set(e.getMessage());
        }
    }

    /**
     * Parses typed width and height into a {@link ChartSize}.
     *
     * @throws IllegalArgumentException with a user-readable sentence when a field is not a whole
     *                                  number or a side is outside [{@value ChartSize#MIN_SIDE},
     *                                  {@value ChartSize#MAX_SIDE}]
     */
    public static ChartSize parse(String widthText, String heightText) {
        int w = side("Width", widthText);
        int h = side("Height", heightText);
        return new ChartSize(w, h);
    }

    private static int side(String name, String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty: enter a number of pixels");
        }
        int v;
        try {
            v = Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " \"" + t + "\" is not a whole number of pixels");
        }
        if (v < ChartSize.MIN_SIDE || v > ChartSize.MAX_SIDE) {
            throw new IllegalArgumentException(name + " must be between " + ChartSize.MIN_SIDE + " and "
                    + ChartSize.MAX_SIDE + " pixels, not " + v);
        }
        return v;
    }

    /**
     * A node's on-screen size as a valid chart size: rounded, clamped into the valid range, and
     * {@code fallback} when the node has not been laid out yet (zero size).
     */
    public static ChartSize fit(double width, double height, ChartSize fallback) {
        if (!(width >= 1) || !(height >= 1)) {
            return fallback;
        }
        return new ChartSize(clamp(width), clamp(height));
    }

    private static int clamp(double v) {
        return (int) Math.max(ChartSize.MIN_SIDE, Math.min(ChartSize.MAX_SIDE, Math.round(v)));
    }
}
