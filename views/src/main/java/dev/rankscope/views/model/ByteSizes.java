package dev.rankscope.views.model;

import java.util.Locale;

/** Human-readable byte counts for the views ("0 B", "1.5 KiB", "12.0 MiB"). Pure. */
public final class ByteSizes {
    private ByteSizes() {
    }

    /** {@code bytes} below 1024 as "N B", else one decimal in KiB, MiB, GiB or TiB (powers of 1024). */
    public static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
