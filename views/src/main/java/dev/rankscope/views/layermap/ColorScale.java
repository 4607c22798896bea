package dev.rankscope.views.layermap;

import javafx.scene.paint.Color;
import javafx.scene.paint.CycleMethod;
import javafx.scene.paint.LinearGradient;
import javafx.scene.paint.Stop;

import java.util.ArrayList;
import java.util.List;

/**
 * The layer map's colour scale: viridis (perceptually uniform, colour-blind safe), sampled at
 * nine stops and interpolated linearly. Pure.
 */
public final class ColorScale {
    private static final Color[] STOPS = {
            Color.web("#440154"), Color.web("#472d7b"), Color.web("#3b528b"), Color.web("#2c728e"),
            Color.web("#21918c"), Color.web("#28ae80"), Color.web("#5ec962"), Color.web("#addc30"),
            Color.web("#fde725")};
    /** Colour of cells without a value (not analysed, or metric unavailable). */
    public static final Color MISSING = Color.web("#9e9e9e", 0.35);

    private ColorScale() {
    }

    /** Colour at {@code t} ∈ [0, 1] (clamped); {@link #MISSING} for NaN. */
    public static Color at(double t) {
        if (Double.isNaN(t)) {
            return MISSING;
        }
        double x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
        int i = Math.min((int) Math.floor(x), STOPS.length - 2);
        return STOPS[i].interpolate(STOPS[i + 1], x - i);
    }

    /** Whether dark text reads better than light text on {@code c}. */
    public static boolean prefersDarkText(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue() > 0.55;
    }

    /** Left-to-right gradient for the legend bar. */
    public static LinearGradient gradient() {
        List<Stop> stops = new ArrayList<>();
        for (int i = 0; i < STOPS.length; i++) {
            stops.add(new Stop((double) i / (STOPS.length - 1), STOPS[i]));
        }
        return new LinearGradient(0, 0, 1, 0, true, CycleMethod.NO_CYCLE, stops);
    }
}
