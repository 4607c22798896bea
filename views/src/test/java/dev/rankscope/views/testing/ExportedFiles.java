package dev.rankscope.views.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads back exported pictures in tests. */
public final class ExportedFiles {
    private static final Pattern SVG_SIZE =
            Pattern.compile("<svg[^>]*?\\swidth=['\"]([\\d.]+)['\"][^>]*?\\sheight=['\"]([\\d.]+)['\"]");

    private ExportedFiles() {
    }

    /**
     * The width and height attributes of the document's {@code <svg>} element (JFreeSVG writes e.g.
     * {@code width='300.0'}), as whole pixels.
     *
     * @throws AssertionError when there is no such element or a side is not a whole number
     */
    public static int[] svgSize(Path svg) throws java.io.IOException {
        String text = Files.readString(svg);
        Matcher m = SVG_SIZE.matcher(text);
        if (!m.find()) {
            throw new AssertionError("no svg element with width and height in " + svg + ": "
                    + text.substring(0, Math.min(300, text.length())));
        }
        double w = Double.parseDouble(m.group(1));
        double h = Double.parseDouble(m.group(2));
        if (w != Math.rint(w) || h != Math.rint(h)) {
            throw new AssertionError("fractional svg size " + w + "×" + h);
        }
        return new int[]{(int) w, (int) h};
    }
}
