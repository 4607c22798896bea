package dev.rankscope.engine.testing;

import dev.rankscope.engine.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes float64 test values into the stored bytes of plain dtypes, independently of the
 * readers' {@code ElementDecoder} (float → half and bfloat16 with round-to-nearest-even). Test code only.
 */
public final class TestEncoding {
    private TestEncoding() {
    }

    /** {@code values} as {@code dtype} elements in {@code order}. Integers are truncated toward zero. */
    public static byte[] encode(DType dtype, double[] values, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(values.length * dtype.bytesPerBlock()).order(order);
        for (double v : values) {
            switch (dtype) {
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
                case F16 -> b.putShort(floatToHalf((float) v));
                case BF16 -> b.putShort(floatToBf16((float) v));
                case I8, U8, BOOL -> b.put((byte) (long) v);
                case I16, U16 -> b.putShort((short) (long) v);
                case I32, U32 -> b.putInt((int) (long) v);
                case I64, U64 -> b.putLong((long) v);
                default -> throw new IllegalArgumentException("no test encoder for " + dtype);
            }
        }
        return b.array();
    }

    public static byte[] encode(DType dtype, double[] values) {
        return encode(dtype, values, ByteOrder.LITTLE_ENDIAN);
    }

    /** IEEE binary16 bits of {@code f}, rounded to nearest even (Java 17 has no Float.floatToFloat16). */
    public static short floatToHalf(float f) {
        int bits = Float.floatToIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) {
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 : 0));
        }
        int e = exp - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign;
            }
            mant |= 0x800000;
            int shift = 14 - e;
            int half = mant >> shift;
            int rem = mant & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rem > mid || (rem == mid && (half & 1) == 1)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >> 13);
        int rem = mant & 0x1FFF;
        if (rem > 0x1000 || (rem == 0x1000 && (half & 1) == 1)) {
            half++;
        }
        return (short) (sign | half);
    }

    /** Value of binary16 bits, computed arithmetically (independent of ElementDecoder). */
    public static double halfValue(short h) {
        int s = (h >> 15) & 1;
        int e = (h >> 10) & 0x1F;
        int m = h & 0x3FF;
        double v = e == 0 ? m * Math.pow(2, -24) : (1 + m / 1024.0) * Math.pow(2, e - 15);
        return s == 1 ? -v : v;
    }

    public static short floatToBf16(float f) {
        int bits = Float.floatToIntBits(f);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    /** Deterministic test values {@code scale·sin(k·1.7 + phase)}, distinct and non-trivial. */
    public static double[] wave(int n, double scale, double phase) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = scale * Math.sin(k * 1.7 + phase);
        }
        return v;
    }

    /** {@code values} rounded through {@code dtype} (what a reader must return). */
    public static double[] roundTrip(DType dtype, double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            out[i] = switch (dtype) {
                case F32 -> (float) v;
                case F64 -> v;
                case F16 -> halfValue(floatToHalf((float) v));
                case BF16 -> Float.intBitsToFloat((floatToBf16((float) v) & 0xFFFF) << 16);
                case I8 -> (byte) (long) v;
                case U8 -> ((long) v) & 0xFF;
                case BOOL -> ((long) v) & 0xFF;
                case I16 -> (short) (long) v;
                case U16 -> ((long) v) & 0xFFFF;
                case I32 -> (int) (long) v;
                case U32 -> ((long) v) & 0xFFFFFFFFL;
                case I64, U64 -> (long) v;
                default -> throw new IllegalArgumentException(dtype.toString());
            };
        }
        return out;
    }
}
