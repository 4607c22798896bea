package dev.rankscope.analysis.layout;

import java.util.Locale;

/**
 * How a conv kernel (out, in, kh, kw) becomes something with a spectrum (SPEC §7, "the choice
 * shown"): {@link #RESHAPE} to one (out, in·kh·kw) matrix (the default), or {@link #POOLED}, the
 * WeightWatcher way: kh·kw slices of out × in whose singular values are pooled into one ESD
 * ({@link dev.rankscope.engine.spectrum.MatrixRef#pooledConv}).
 */
public enum ConvMode {
    RESHAPE, POOLED;

    /** Lower-case name used by the CLI and JSON: reshape, pooled. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()}; IllegalArgumentException naming the choices otherwise. */
    public static ConvMode parse(String text) {
        for (ConvMode m : values()) {
            if (m.id().equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("conv mode must be reshape or pooled, not '" + text + "'");
    }
}
