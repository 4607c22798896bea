package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ElementEncoder / ElementDecoder: exact decoding of every small-float code, RNE encoding, and a write/read round trip of every dtype. */
class ElementCodecTest {

    @TempDir
    Path dir;

    /** Independent reference: value of a sign/exponent/mantissa code by the textbook formula. */
    private static double minifloat(int code, int expBits, int manBits, int bias, boolean fn) {
        int sign = (code >>> (expBits + manBits)) & 1;
        int e = (code >>> manBits) & ((1 << expBits) - 1);
        int f = code & ((1 << manBits) - 1);
        int allOnes = (1 << expBits) - 1;
        double v;
        if (fn && e == allOnes && f == (1 << manBits) - 1) {
            return Double.NaN;
        } else if (!fn && e == allOnes) {
            v = f == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else if (e == 0) {
            v = f * Math.pow(2, 1 - bias - manBits);
        } else {
            v = (1 + f / Math.pow(2, manBits)) * Math.pow(2, e - bias);
        }
        return sign == 1 ? -v : v;
    }

    private static double decodeOne(DType t, long code) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        if (t.bytesPerBlock() == 1) {
            b.put((byte) code);
        } else {
            b.putShort((short) code);
        }
        b.flip();
        double[] out = new double[1];
        ElementDecoder.decode(t, b, 1, out, 0);
        return out[0];
    }

    private static long encodeOne(DType t, double v) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ElementEncoder.encode(t, new double[] {v}, 0, 1, b);
        b.flip();
        return t.bytesPerBlock() == 1 ? b.get() & 0xFF : b.getShort() & 0xFFFF;
    }

    private static void checkAllCodes(DType t, int expBits, int manBits, int bias, boolean fn) {
        int codes = 1 << (1 + expBits + manBits);
        for (int c = 0; c < codes; c++) {
            double expected = minifloat(c, expBits, manBits, bias, fn);
            double got = decodeOne(t, c);
            if (Double.isNaN(expected)) {
                assertTrue(Double.isNaN(got), t + " code " + c);
                assertTrue(Double.isNaN(decodeOne(t, encodeOne(t, got))), t + " NaN stays NaN");
                continue;
            }
            assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(got), t + " code " + c);
            assertEquals(c, encodeOne(t, got), t + " encode(decode(" + c + "))");
        }
    }

    @Test
    void f8E4M3AllCodesDecodeExactlyAndRoundTrip() {
        checkAllCodes(DType.F8_E4M3, 4, 3, 7, true);
        assertEquals(448.0, decodeOne(DType.F8_E4M3, 0x7E));
        assertEquals(0x1p-9, decodeOne(DType.F8_E4M3, 0x01));
    }

    @Test
    void f8E5M2AllCodesDecodeExactlyAndRoundTrip() {
        checkAllCodes(DType.F8_E5M2, 5, 2, 15, false);
        assertEquals(57344.0, decodeOne(DType.F8_E5M2, 0x7B));
        assertEquals(Double.POSITIVE_INFINITY, decodeOne(DType.F8_E5M2, 0x7C));
    }

    @Test
    void f16AllCodesDecodeExactlyAndRoundTrip() {
        checkAllCodes(DType.F16, 5, 10, 15, false);
    }

    @Test
    void bf16AllCodesDecodeExactlyAndRoundTrip() {
        checkAllCodes(DType.BF16, 8, 7, 127, false);
        for (int c = 0; c < 65536; c++) {
            float viaFloatBits = Float.intBitsToFloat(c << 16);
            if (!Float.isNaN(viaFloatBits)) {
                assertEquals(viaFloatBits, decodeOne(DType.BF16, c), "bf16 is the top half of a float32");
            }
        }
    }

    @Test
    void roundsToNearestEvenAtHalfwayPoints() {
        // BF16: 1 + 2^-8 lies halfway between 1 (mantissa 0, even) and 1 + 2^-7 (odd) → 1.
        assertEquals(0x3F80, encodeOne(DType.BF16, 1 + 0x1p-8));
        // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even) → up.
        assertEquals(0x3F82, encodeOne(DType.BF16, 1 + 3 * 0x1p-8));
        // Just above halfway rounds up (no double rounding through float32).
        assertEquals(0x3F81, encodeOne(DType.BF16, 1 + 0x1p-8 + 0x1p-40));
        // F16: 2049 is halfway between 2048 and 2050 → 2048; 2051 → 2052.
        assertEquals(2048.0, decodeOne(DType.F16, encodeOne(DType.F16, 2049)));
        assertEquals(2052.0, decodeOne(DType.F16, encodeOne(DType.F16, 2051)));
        // F16 subnormal halfway: 2^-25 between 0 and 2^-24 → 0; 3·2^-25 → 2·2^-24.
        assertEquals(0, encodeOne(DType.F16, 0x1p-25));
        assertEquals(2, encodeOne(DType.F16, 3 * 0x1p-25));
        // Largest subnormal rounding up into the first normal.
        assertEquals(0x0400, encodeOne(DType.F16, 0x1p-14 - 0x1p-26));
        // Overflow: F16 above 65520 → Inf; E4M3 below 464 → 448, at/above → NaN; E5M2 → Inf.
        assertEquals(0x7BFF, encodeOne(DType.F16, 65519));
        assertEquals(0x7C00, encodeOne(DType.F16, 65520));
        assertEquals(0x7E, encodeOne(DType.F8_E4M3, 463.9));
        assertEquals(0x7E, encodeOne(DType.F8_E4M3, 464));
        assertEquals(0x7F, encodeOne(DType.F8_E4M3, 465));
        assertEquals(0xFF, encodeOne(DType.F8_E4M3, -1e9));
        assertEquals(0x7C, encodeOne(DType.F8_E5M2, 1e6));
        assertEquals(0x8000, encodeOne(DType.F16, -0.0));
        assertEquals(0xFF80, encodeOne(DType.BF16, Double.NEGATIVE_INFINITY));
        assertEquals(0x7F80, encodeOne(DType.BF16, 1e300));
    }

    @Test
    void integerEncodingRejectsOutOfRange() {
        ByteBuffer b = ByteBuffer.allocate(16);
        assertThrows(IllegalArgumentException.class, () -> ElementEncoder.encode(DType.U8, new double[] {256}, 0, 1, b));
        assertThrows(IllegalArgumentException.class, () -> ElementEncoder.encode(DType.I8, new double[] {-129}, 0, 1, b));
        assertThrows(IllegalArgumentException.class, () -> ElementEncoder.encode(DType.I32, new double[] {Double.NaN}, 0, 1, b));
        assertThrows(IllegalArgumentException.class, () -> ElementEncoder.encode(DType.Q8_0, new double[] {0}, 0, 1, b));
    }

    @Test
    void everyDtypeRoundTripsThroughWriterAndReader() throws Exception {
        Map<DType, double[]> values = new EnumMap<>(DType.class);
        values.put(DType.BOOL, new double[] {0, 1, 1, 0});
        values.put(DType.U8, new double[] {0, 1, 200, 255});
        values.put(DType.I8, new double[] {-128, -1, 0, 127});
        values.put(DType.F8_E5M2, new double[] {0, -0.5, 57344, 0x1p-16});
        values.put(DType.F8_E4M3, new double[] {0, -448, 0.875, 0x1p-9});
        values.put(DType.I16, new double[] {-32768, -2, 5, 32767});
        values.put(DType.U16, new double[] {0, 1, 40000, 65535});
        values.put(DType.F16, new double[] {0, -65504, 0.333251953125, 0x1p-24});
        values.put(DType.BF16, new double[] {0, -3.0e38 - 2.2e35, 0.333984375, 0x1p-133});
        values.put(DType.I32, new double[] {Integer.MIN_VALUE, -7, 0, Integer.MAX_VALUE});
        values.put(DType.U32, new double[] {0, 1, 3e9, 4294967295.0});
        values.put(DType.F32, new double[] {0, -1.5f, (float) Math.PI, Float.MIN_VALUE});
        values.put(DType.I64, new double[] {-0x1p62, -1, 0, 0x1p62});
        values.put(DType.U64, new double[] {0, 1, 0x1p63, 0x1p64 - 0x1p12});
        values.put(DType.F64, new double[] {0, -1e-300, Math.PI, Double.MAX_VALUE});
        assertEquals(15, values.size(), "every safetensors dtype is covered");
        SafetensorsWriter w = new SafetensorsWriter();
        values.forEach((t, v) -> w.add(t.name().toLowerCase(), t, new long[] {2, 2}, sink -> sink.put(v)));
        Path file = dir.resolve("all.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        try (TensorSource s = SafetensorsSource.openFile(file)) {
            for (Map.Entry<DType, double[]> e : values.entrySet()) {
                String name = e.getKey().name().toLowerCase();
                assertEquals(e.getKey(), s.require(name).dtype());
                double[] expected = e.getValue().clone();
                if (e.getKey() == DType.BF16) {
                    expected[1] = Float.intBitsToFloat(ElementEncoder.toBF16(expected[1]) << 16);
                    assertTrue(Math.abs(expected[1] - e.getValue()[1]) / 3e38 < 0x1p-8);
                }
                assertArrayEquals(expected, s.readDouble(name), e.getKey().name());
            }
        }
    }
}
