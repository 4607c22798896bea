package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.DType;

import java.nio.ByteBuffer;

/**
 * Narrows float64 values to stored element types: the inverse of {@link ElementDecoder},
 * shared by every writer (safetensors, factorised exports, test fixtures) so no format
 * encodes on its own.
 *
 * <p>Rounding: floating types round to nearest, ties to even, directly from the double (no
 * double rounding through float32). F16, BF16 and F8_E5M2 overflow to ±Inf like IEEE 754;
 * F8_E4M3 ({@code float8_e4m3fn}, no infinities) keeps its largest finite value 448 for inputs
 * that round to it (anything below 464) and becomes NaN beyond, as PyTorch's non-saturating
 * cast does. NaN stays NaN (sign kept). Integer types round half to even ({@link Math#rint})
 * and reject NaN or values outside their range with {@link IllegalArgumentException}; BOOL
 * stores 1 for any non-zero value. Quantised (ggml) types are not encodable.
 *
 * <p>Stateless and thread-safe.
 */
public final class ElementEncoder {

    private ElementEncoder() {
    }

    /**
     * Encodes {@code count} values {@code src[off..off+count)} into {@code dst} at its position,
     * honouring its byte order; the position advances by {@code count · dtype.bytesPerBlock()}.
     *
     * @throws IllegalArgumentException for a quantised dtype or an integer value out of range
     * @throws java.nio.BufferOverflowException when {@code dst} lacks room
     */
    public static void encode(DType dtype, double[] src, int off, int count, ByteBuffer dst) {
        switch (dtype) {
            case BOOL -> {
                for (int i = 0; i < count; i++) {
                    dst.put(src[off + i] != 0 ? (byte) 1 : (byte) 0);
                }
            }
            case U8 -> {
                for (int i = 0; i < count; i++) {
                    dst.put((byte) toInteger(src[off + i], 0, 255, dtype));
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    dst.put((byte) toInteger(src[off + i], Byte.MIN_VALUE, Byte.MAX_VALUE, dtype));
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < count; i++) {
                    dst.put(toF8E4M3(src[off + i]));
                }
            }
            case F8_E5M2 -> {
                for (int i = 0; i < count; i++) {
                    dst.put(toF8E5M2(src[off + i]));
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort((short) toInteger(src[off + i], Short.MIN_VALUE, Short.MAX_VALUE, dtype));
                }
            }
            case U16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort((short) toInteger(src[off + i], 0, 0xFFFF, dtype));
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort(toF16(src[off + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst.putShort(toBF16(src[off + i]));
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt((int) toInteger(src[off + i], Integer.MIN_VALUE, Integer.MAX_VALUE, dtype));
                }
            }
            case U32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putInt((int) toInteger(src[off + i], 0, 0xFFFF_FFFFL, dtype));
                }
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst.putFloat((float) src[off + i]);
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putLong(toLong(src[off + i]));
                }
            }
            case U64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putLong(toUnsignedLong(src[off + i]));
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst.putDouble(src[off + i]);
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is block-quantised and cannot be encoded");
        }
    }

    /** Whether {@link #encode} supports {@code dtype} (every plain, non-quantised type). */
    public static boolean canEncode(DType dtype) {
        return !dtype.isQuantized();
    }

    /** IEEE 754 binary16 bits of {@code x}, round to nearest even, overflow to ±Inf. */
    public static short toF16(double x) {
        return (short) encodeMinifloat(x, 5, 10, 15, false);
    }

    /** bfloat16 bits of {@code x} (the top half of a float32), round to nearest even, overflow to ±Inf. */
    public static short toBF16(double x) {
        return (short) encodeMinifloat(x, 8, 7, 127, false);
    }

    /** float8_e5m2 bits (IEEE-like: bias 15, ±Inf, NaN), round to nearest even. */
    public static byte toF8E5M2(double x) {
        return (byte) encodeMinifloat(x, 5, 2, 15, false);
    }

    /** float8_e4m3fn bits (bias 7, no Inf, {@code S.1111.111} is NaN), round to nearest even; overflow → NaN. */
    public static byte toF8E4M3(double x) {
        return (byte) encodeMinifloat(x, 4, 3, 7, true);
    }

    /**
     * Round-to-nearest-even encoding of a double into a sign/exponent/mantissa minifloat.
     *
     * @param fn true for the "fn" convention (finite-only: the all-ones code is NaN, overflow is NaN)
     * @return the code in the low {@code 1 + expBits + manBits} bits
     */
    private static int encodeMinifloat(double x, int expBits, int manBits, int bias, boolean fn) {
        long bits = Double.doubleToRawLongBits(x);
        int signBit = (int) (bits >>> 63) << (expBits + manBits);
        long abs = bits & 0x7FFF_FFFF_FFFF_FFFFL;
        int expOnes = (1 << expBits) - 1;
        int nanCode = fn ? (expOnes << manBits) | ((1 << manBits) - 1) : (expOnes << manBits) | (1 << (manBits - 1));
        int infCode = fn ? nanCode : expOnes << manBits;
        int maxFinite = fn ? nanCode - 1 : (expOnes << manBits) - 1;
        if (abs > 0x7FF0_0000_0000_0000L) {
            return signBit | nanCode;
        }
        if (abs == 0x7FF0_0000_0000_0000L) {
            return signBit | infCode;
        }
        int unroundedExp = (int) (abs >>> 52) - 1023 + bias;
        long code;
        if (unroundedExp >= 1) {
            // Normal in the target: round the 52-bit mantissa to manBits bits; a carry rolls
            // into the exponent, which is exactly right for RNE.
            int drop = 52 - manBits;
            long lsb = (abs >>> drop) & 1;
            long rounded = abs + ((1L << (drop - 1)) - 1) + lsb;
            long exp = (rounded >>> 52) - 1023 + bias;
            long mant = (rounded >>> drop) & ((1L << manBits) - 1);
            code = exp > expOnes ? Long.MAX_VALUE : (exp << manBits) | mant;
        } else {
            // Subnormal (or zero) in the target: one quantum is 2^(1-bias-manBits).
            double quantum = Math.scalb(1.0, 1 - bias - manBits);
            code = (long) Math.rint(Double.longBitsToDouble(abs) / quantum);
        }
        if (code > maxFinite) {
            return signBit | infCode;
        }
        return signBit | (int) code;
    }

    private static long toInteger(double v, long min, long max, DType dtype) {
        double r = Math.rint(v);
        if (Double.isNaN(r) || r < min || r > max) {
            throw new IllegalArgumentException(v + " does not fit " + dtype);
        }
        return (long) r;
    }

    private static long toLong(double v) {
        double r = Math.rint(v);
        if (Double.isNaN(r) || r < -0x1p63 || r >= 0x1p63) {
            throw new IllegalArgumentException(v + " does not fit I64");
        }
        return (long) r;
    }

    private static long toUnsignedLong(double v) {
        double r = Math.rint(v);
        if (Double.isNaN(r) || r < 0 || r >= 0x1p64) {
            throw new IllegalArgumentException(v + " does not fit U64");
        }
        return r < 0x1p63 ? (long) r : (long) (r - 0x1p63) | Long.MIN_VALUE;
    }
}
