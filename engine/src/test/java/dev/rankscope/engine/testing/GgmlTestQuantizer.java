package dev.rankscope.engine.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Test-side ggml block encoders, written from the block <em>layouts</em> (element by element),
 * not from the reader's dequantisation loops, so a test comparing the two checks the reader
 * independently. {@link #quantizeQ8_0} and {@link #quantizeQ4_0} follow ggml's
 * {@code quantize_row_q8_0_ref}/{@code quantize_row_q4_0_ref}; the {@code pack*} methods place
 * given integer quants, scales and mins where each format keeps them. Test code only.
 */
public final class GgmlTestQuantizer {
    private GgmlTestQuantizer() {
    }

    /** C {@code roundf}: halves away from zero. */
    private static int roundf(float v) {
        return (int) (Math.signum(v) * Math.floor(Math.abs(v) + 0.5f));
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** ggml quantize_row_q8_0_ref: d = amax/127, q = round(x/d). */
    public static byte[] quantizeQ8_0(float[] x) {
        int nb = x.length / 32;
        ByteBuffer b = le(nb * 34);
        for (int i = 0; i < nb; i++) {
            float amax = 0;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[i * 32 + j]));
            }
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            b.putShort(TestEncoding.floatToHalf(d));
            for (int j = 0; j < 32; j++) {
                b.put((byte) roundf(x[i * 32 + j] * id));
            }
        }
        return b.array();
    }

    /** ggml quantize_row_q4_0_ref: d = max/−8 (max = the value of largest magnitude), q = min(15, (int)(x/d + 8.5)). */
    public static byte[] quantizeQ4_0(float[] x) {
        int nb = x.length / 32;
        ByteBuffer b = le(nb * 18);
        for (int i = 0; i < nb; i++) {
            float amax = 0;
            float max = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[i * 32 + j];
                if (amax < Math.abs(v)) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            b.putShort(TestEncoding.floatToHalf(d));
            for (int j = 0; j < 16; j++) {
                int x0 = Math.min(15, (int) (x[i * 32 + j] * id + 8.5f));
                int x1 = Math.min(15, (int) (x[i * 32 + 16 + j] * id + 8.5f));
                b.put((byte) (x0 | (x1 << 4)));
            }
        }
        return b.array();
    }

    /** Q4_1 block: value(e) = L[e]·d + m, L in 0..15. */
    public static byte[] packQ4_1(float d, float m, int[] l) {
        ByteBuffer b = le(20);
        b.putShort(TestEncoding.floatToHalf(d)).putShort(TestEncoding.floatToHalf(m));
        for (int j = 0; j < 16; j++) {
            b.put((byte) (l[j] | (l[j + 16] << 4)));
        }
        return b.array();
    }

    /** Q5_0 block: value(e) = (L[e] − 16)·d, L in 0..31; bit 4 of L[e] is bit e of qh. */
    public static byte[] packQ5_0(float d, int[] l) {
        ByteBuffer b = le(22);
        b.putShort(TestEncoding.floatToHalf(d)).putInt(highBits(l));
        for (int j = 0; j < 16; j++) {
            b.put((byte) ((l[j] & 0xF) | ((l[j + 16] & 0xF) << 4)));
        }
        return b.array();
    }

    /** Q5_1 block: value(e) = L[e]·d + m, L in 0..31. */
    public static byte[] packQ5_1(float d, float m, int[] l) {
        ByteBuffer b = le(24);
        b.putShort(TestEncoding.floatToHalf(d)).putShort(TestEncoding.floatToHalf(m)).putInt(highBits(l));
        for (int j = 0; j < 16; j++) {
            b.put((byte) ((l[j] & 0xF) | ((l[j + 16] & 0xF) << 4)));
        }
        return b.array();
    }

    private static int highBits(int[] l) {
        int qh = 0;
        for (int e = 0; e < 32; e++) {
            qh |= ((l[e] >> 4) & 1) << e;
        }
        return qh;
    }

    /** Places 2-bit values of 256 elements: element e → byte (e/128)·32 + e%32, bits 2·((e%128)/32). */
    private static byte[] twoBitPlanes(int[] l) {
        byte[] qs = new byte[64];
        for (int e = 0; e < 256; e++) {
            int idx = (e / 128) * 32 + e % 32;
            int shift = 2 * ((e % 128) / 32);
            qs[idx] |= (byte) ((l[e] & 3) << shift);
        }
        return qs;
    }

    /** Q2_K: 16 groups of 16; value(e) = d·sc[g]·L[e] − dmin·mn[g], sc, mn in 0..15, L in 0..3. */
    public static byte[] packQ2_K(float d, float dmin, int[] sc, int[] mn, int[] l) {
        ByteBuffer b = le(84);
        for (int g = 0; g < 16; g++) {
            b.put((byte) (sc[g] | (mn[g] << 4)));
        }
        b.put(twoBitPlanes(l));
        b.putShort(TestEncoding.floatToHalf(d)).putShort(TestEncoding.floatToHalf(dmin));
        return b.array();
    }

    /** Q3_K: 16 groups of 16; value(e) = d·s[g]·(L[e] − 4), s in −32..31, L in 0..7. */
    public static byte[] packQ3_K(float d, int[] s, int[] l) {
        ByteBuffer b = le(110);
        byte[] hmask = new byte[32];
        for (int e = 0; e < 256; e++) {
            if ((l[e] & 4) != 0) {
                hmask[e % 32] |= (byte) (1 << (e / 32));
            }
        }
        byte[] scales = new byte[12];
        for (int g = 0; g < 16; g++) {
            int v = s[g] + 32;
            if (g < 8) {
                scales[g] |= (byte) (v & 0xF);
            } else {
                scales[g - 8] |= (byte) ((v & 0xF) << 4);
            }
            scales[8 + g % 4] |= (byte) ((v >> 4) << (2 * (g / 4)));
        }
        b.put(hmask).put(twoBitPlanes(l)).put(scales).putShort(TestEncoding.floatToHalf(d));
        return b.array();
    }

    /** The 12-byte 6-bit scale/min packing shared by Q4_K and Q5_K (8 groups). */
    private static byte[] scaleMin6(int[] sc, int[] mn) {
        byte[] q = new byte[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                q[j] |= (byte) sc[j];
                q[j + 4] |= (byte) mn[j];
            } else {
                q[j + 4] = (byte) ((sc[j] & 0xF) | ((mn[j] & 0xF) << 4));
                q[j - 4] |= (byte) ((sc[j] >> 4) << 6);
                q[j] |= (byte) ((mn[j] >> 4) << 6);
            }
        }
        return q;
    }

    /** Places 4-bit values: element e → byte (e/64)·32 + e%32, low nibble when (e%64) &lt; 32. */
    private static byte[] nibbles(int[] l) {
        byte[] qs = new byte[128];
        for (int e = 0; e < 256; e++) {
            int idx = (e / 64) * 32 + e % 32;
            qs[idx] |= (byte) ((l[e] & 0xF) << ((e % 64) < 32 ? 0 : 4));
        }
        return qs;
    }

    /** Q4_K: 8 groups of 32; value(e) = d·sc[g]·L[e] − dmin·mn[g], sc, mn in 0..63, L in 0..15. */
    public static byte[] packQ4_K(float d, float dmin, int[] sc, int[] mn, int[] l) {
        ByteBuffer b = le(144);
        b.putShort(TestEncoding.floatToHalf(d)).putShort(TestEncoding.floatToHalf(dmin));
        b.put(scaleMin6(sc, mn)).put(nibbles(l));
        return b.array();
    }

    /** Q5_K: as Q4_K with L in 0..31; bit 4 of L[e] is bit e/32 of qh[e%32]. */
    public static byte[] packQ5_K(float d, float dmin, int[] sc, int[] mn, int[] l) {
        ByteBuffer b = le(176);
        b.putShort(TestEncoding.floatToHalf(d)).putShort(TestEncoding.floatToHalf(dmin));
        byte[] qh = new byte[32];
        for (int e = 0; e < 256; e++) {
            if ((l[e] & 16) != 0) {
                qh[e % 32] |= (byte) (1 << (e / 32));
            }
        }
        b.put(scaleMin6(sc, mn)).put(qh).put(nibbles(l));
        return b.array();
    }

    /** Q6_K: 16 groups of 16; value(e) = d·s[g]·(L[e] − 32), s int8, L in 0..63. */
    public static byte[] packQ6_K(float d, int[] s, int[] l) {
        byte[] ql = new byte[128];
        byte[] qh = new byte[64];
        for (int e = 0; e < 256; e++) {
            int half = e / 128;
            int r = e % 128;
            int quarter = r / 32;
            int pos = r % 32;
            int qlIdx = half * 64 + pos + (quarter % 2 == 1 ? 32 : 0);
            ql[qlIdx] |= (byte) ((l[e] & 0xF) << (quarter >= 2 ? 4 : 0));
            qh[half * 32 + pos] |= (byte) ((l[e] >> 4) << (2 * quarter));
        }
        ByteBuffer b = le(210);
        b.put(ql).put(qh);
        for (int g = 0; g < 16; g++) {
            b.put((byte) s[g]);
        }
        b.putShort(TestEncoding.floatToHalf(d));
        return b.array();
    }
}
