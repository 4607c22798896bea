package dev.rankscope.analysis.quant;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weight quantization scheme of SPEC §9, by the name users type:
 * <ul>
 *   <li>{@code int8}, {@code int4}: round-to-nearest (RTN), symmetric, one scale per output row
 *   (per channel);</li>
 *   <li>{@code int4-g128}, {@code int8-g32}, …: RTN, symmetric, one scale per group of g
 *   consecutive inputs of an output row, g ∈ {32, 64, 128};</li>
 *   <li>a {@code -asym} suffix ({@code int8-asym}, {@code int4-g64-asym}): asymmetric RTN with a
 *   scale and an integer zero point per row or group;</li>
 *   <li>{@code nf4}: QLoRA's 4-bit NormalFloat, absmax scaling per block of 64 consecutive elements
 *   of the flattened (C-order) matrix, as bitsandbytes blocks it.</li>
 * </ul>
 * Immutable.
 *
 * @param kind      RTN or NF4
 * @param bits      8 or 4 (4 for NF4)
 * @param symmetric symmetric RTN (always true for NF4, whose codebook is fixed)
 * @param groupSize inputs per scale for RTN (0 = the whole row, per channel); 64 for NF4 (block size)
 */
public record QuantScheme(Kind kind, int bits, boolean symmetric, int groupSize) {

    /** The quantizer family. */
    public enum Kind { RTN, NF4 }

    /** Group sizes RTN accepts besides per-channel. */
    public static final int[] GROUP_SIZES = {32, 64, 128};
    /** NF4 block size (QLoRA / bitsandbytes default). */
    public static final int NF4_BLOCK = 64;

    private static final Pattern RTN = Pattern.compile("int(8|4)(?:-g(\\d+))?(-asym)?");

    public QuantScheme {
        if (kind == null) {
            throw new IllegalArgumentException("quantization kind is required");
        }
        if (kind == Kind.NF4) {
            if (bits != 4 || !symmetric || groupSize != NF4_BLOCK) {
                throw new IllegalArgumentException("nf4 is 4-bit, symmetric, blocks of " + NF4_BLOCK);
            }
        } else {
            if (bits != 8 && bits != 4) {
                throw new IllegalArgumentException("RTN quantization is int8 or int4, got " + bits + " bits");
            }
            if (groupSize != 0 && groupSize != 32 && groupSize != 64 && groupSize != 128) {
                throw new IllegalArgumentException("group size must be 32, 64 or 128 inputs (or none for per-channel), got "
                        + groupSize);
            }
        }
    }

    /** The NF4 scheme. */
    public static QuantScheme nf4() {
        return new QuantScheme(Kind.NF4, 4, true, NF4_BLOCK);
    }

    /** Symmetric or asymmetric RTN; {@code groupSize} 0 means per channel. */
    public static QuantScheme rtn(int bits, boolean symmetric, int groupSize) {
        return new QuantScheme(Kind.RTN, bits, symmetric, groupSize);
    }

    /**
     * Parses a scheme name ({@code int8}, {@code int4-g128}, {@code int8-asym}, {@code int4-g64-asym},
     * {@code nf4}); case-insensitive.
     *
     * @throws IllegalArgumentException naming the unknown scheme and listing the accepted forms
     */
    public static QuantScheme parse(String name) {
        String s = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (s.equals("nf4")) {
            return nf4();
        }
        Matcher m = RTN.matcher(s);
        if (m.matches()) {
            int g = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
            if (m.group(2) != null && g != 32 && g != 64 && g != 128) {
                throw new IllegalArgumentException("unknown quantization scheme '" + name + "': group size must be 32, 64 or 128");
            }
            return rtn(Integer.parseInt(m.group(1)), m.group(3) == null, g);
        }
        throw new IllegalArgumentException("unknown quantization scheme '" + name
                + "' (known: int8, int4, int4-g32, int4-g64, int4-g128, int8-g128, …, with -asym for asymmetric, and nf4)");
    }

    /** The canonical name, e.g. {@code int4-g128-asym}; {@link #parse} reads it back. */
    public String name() {
        if (kind == Kind.NF4) {
            return "nf4";
        }
        return "int" + bits + (groupSize == 0 ? "" : "-g" + groupSize) + (symmetric ? "" : "-asym");
    }

    /** Largest code magnitude 2^{b−1} − 1 of symmetric RTN (127, 7). */
    public int symmetricMax() {
        return (1 << (bits - 1)) - 1;
    }

    /** Largest code 2^b − 1 of asymmetric RTN (255, 15). */
    public int asymmetricMax() {
        return (1 << bits) - 1;
    }

    /** Inputs per scale for an n-column matrix: n per channel, else the group size (RTN only). */
    public int effectiveGroup(int cols) {
        return groupSize == 0 ? cols : Math.min(groupSize, cols);
    }

    @Override
    public String toString() {
        return name();
    }
}
