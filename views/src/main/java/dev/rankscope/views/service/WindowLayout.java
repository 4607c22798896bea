package dev.rankscope.views.service;

/**
 * Where the main window was and how its panes were split, persisted between runs.
 *
 * @param x             window x in screen pixels
 * @param y             window y
 * @param width         window width (&gt; 0)
 * @param height        window height (&gt; 0)
 * @param maximized     whether the window was maximised
 * @param leftDivider   position (0..1) of the explorer / centre divider
 * @param rightDivider  position (0..1) of the centre / details divider
 */
public record WindowLayout(double x, double y, double width, double height, boolean maximized,
                           double leftDivider, double rightDivider) {
    public WindowLayout {
        if (!(width > 0) || !(height > 0)) {
            throw new IllegalArgumentException("window size must be positive: " + width + "×" + height);
        }
        if (!(leftDivider >= 0 && leftDivider <= 1) || !(rightDivider >= 0 && rightDivider <= 1)) {
            throw new IllegalArgumentException("divider positions must lie in [0, 1]");
        }
    }

    /** First-run layout: 1280×800, explorer 22 %, details from 78 %. */
    public static WindowLayout defaults() {
        return new WindowLayout(Double.NaN, Double.NaN, 1280, 800, false, 0.22, 0.78);
    }
}
