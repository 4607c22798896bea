package dev.rankscope.application.render;

/**
 * The pixel size a chart is rendered at (PNG pixels, SVG user units). Validated: both sides in
 * [{@value #MIN_SIDE}, {@value #MAX_SIDE}], so a typo cannot allocate a gigapixel image.
 *
 * @param width  pixels
 * @param height pixels
 */
public record ChartSize(int width, int height) {
    /** Smallest side JFreeChart can lay a titled chart out in. */
    public static final int MIN_SIDE = 64;
    /** Largest side accepted (a 10000×10000 ARGB image is 400 MB). */
    public static final int MAX_SIDE = 10_000;

    /** The report's default chart size. */
    public static final ChartSize REPORT = new ChartSize(560, 360);

    public ChartSize {
        if (width < MIN_SIDE || width > MAX_SIDE || height < MIN_SIDE || height > MAX_SIDE) {
            throw new IllegalArgumentException("chart size must be between " + MIN_SIDE + " and " + MAX_SIDE
                    + " pixels per side, not " + width + "×" + height);
        }
    }
}
