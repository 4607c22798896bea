package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Widens stored elements to float64, exactly (every supported plain type is exactly
 * representable in a double). Shared by every reader so no format decodes on its own.
 *
 * <p>F8_E4M3 is the "fn" variant used by safetensors/PyTorch ({@code float8_e4m3fn}): bias 7,
 * no infinities, {@code S.1111.111} is NaN. F8_E5M2 follows IEEE rules: bias 15, exponent 31
 * encodes ±Inf (mantissa 0) or NaN.
 */
public final class ElementDecoder {
    private static final double[] F8_E4M3 = new double[256];
    private static final double[] F8_E5M2 = new double[256];

    static {
        for (int b = 0; b < 256; b++) {
            F8_E4M3[b] = decodeE4M3(b);
            F8_E5M2[b] = decodeE5M2(b);
        }
    }

    private ElementDecoder() {
    }

    /**
     * Decodes {@code count} plain (non-quantised) elements from {@code src} starting at its
     * current position into {@code dst[off..]}. {@code src} must hold at least
     * {@code count · dtype.bytesPerBlock()} bytes; its byte order is honoured; its position advances.
     *
     * @throws IllegalArgumentException for quantised dtypes (see {@link #decodeBlocks})
     */
    public static void decode(DType dtype, ByteBuffer src, int count, double[] dst, int off) {
        switch (dtype) {
            case BOOL, U8 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.get() & 0xFF;
                }
            }
            case I8 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.get();
                }
            }
            case F8_E4M3 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = F8_E4M3[src.get() & 0xFF];
                }
            }
            case F8_E5M2 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = F8_E5M2[src.get() & 0xFF];
                }
            }
            case I16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getShort();
                }
            }
            case U16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getShort() & 0xFFFF;
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = halfToFloat(src.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = Float.intBitsToFloat((src.getShort() & 0xFFFF) << 16);
                }
            }
            case I32 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getInt();
                }
            }
            case U32 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getInt() & 0xFFFFFFFFL;
                }
            }
            case F32 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getFloat();
                }
            }
            case I64 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getLong();
                }
            }
            case U64 -> {
                for (int i = 0; i < count; i++) {
                    long v = src.getLong();
                    dst[off + i] = v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
                }
            }
            case F64 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = src.getDouble();
                }
            }
            default -> throw new IllegalArgumentException(dtype + " is block-quantised; use decodeBlocks");
        }
    }

    /**
     * Dequantises {@code blocks} whole blocks of a ggml quantised type from {@code src}
     * (little-endian) into {@code dst[off..]} ({@code blocks · elementsPerBlock} values).
     *
     * Quantised types follow ggml's reference {@code dequantize_row_*} exactly
     * ({@link dev.rankscope.engine.io.gguf.GgmlDequant}).
     */
    public static void decodeBlocks(DType dtype, ByteBuffer src, int blocks, double[] dst, int off) {
        if (!dtype.isQuantized()) {
            decode(dtype, src, blocks, dst, off);
            return;
        }
        dev.rankscope.engine.io.gguf.GgmlDequant.dequantize(dtype, src, blocks, dst, off);
    }

    /** True for the stored types {@link #decodeFloat} widens to float32 exactly: BF16, F16, F32. */
    public static boolean widensToFloat(DType dtype) {
        return dtype == DType.BF16 || dtype == DType.F16 || dtype == DType.F32;
    }

    /**
     * As {@link #decode}, into float32 without a float64 step, for the types
     * {@link #widensToFloat} accepts (the widening is exact).
     *
     * @throws IllegalArgumentException for any other dtype
     */
    public static void decodeFloat(DType dtype, ByteBuffer src, int count, float[] dst, int off) {
        switch (dtype) {
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = Float.intBitsToFloat((src.getShort() & 0xFFFF) << 16);
                }
            }
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[off + i] = halfToFloat(src.getShort());
                }
            }
            case F32 -> {
                src.asFloatBuffer().get(dst, off, count);
                src.position(src.position() + Float.BYTES * count);
            }
            default -> throw new IllegalArgumentException(dtype + " is not widened to float32 directly");
        }
    }

    /** IEEE 754 binary16 → float (exact). */
    public static float halfToFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h >>> 15) & 1;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        float v;
        if (exp == 0) {
            v = mant * 0x1p-24f;
        } else if (exp == 31) {
            v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
        } else {
            v = Float.intBitsToFloat(((exp - 15 + 127) << 23) | (mant << 13));
        }
        return sign == 0 ? v : -v;
    }

    private static double decodeE4M3(int b) {
        int sign = (b >>> 7) & 1;
        int exp = (b >>> 3) & 0xF;
        int mant = b & 0x7;
        double v;
        if (exp == 0xF && mant == 0x7) {
            return Double.NaN;
        } else if (exp == 0) {
            v = mant / 8.0 * Math.pow(2, -6);
        } else {
            v = (1 + mant / 8.0) * Math.pow(2, exp - 7);
        }
        return sign == 0 ? v : -v;
    }

    private static double decodeE5M2(int b) {
        int sign = (b >>> 7) & 1;
        int exp = (b >>> 2) & 0x1F;
        int mant = b & 0x3;
        double v;
        if (exp == 0x1F) {
            v = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (exp == 0) {
            v = mant / 4.0 * Math.pow(2, -14);
        } else {
            v = (1 + mant / 4.0) * Math.pow(2, exp - 15);
        }
        return sign == 0 ? v : -v;
    }

    /** Little-endian view helper. */
    static ByteBuffer le(ByteBuffer b) {
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }
}
