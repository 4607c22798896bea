package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.io.ElementDecoder;
import dev.rankscope.engine.tensor.DType;

import java.nio.ByteBuffer;

/**
 * Dequantisation of ggml block formats (SPEC §6), a line-by-line port of ggml's reference
 * {@code dequantize_row_*} functions ({@code ggml-quants.c}). Arithmetic is done in float32 in
 * the same order as the C code, so results equal ggml's bit for bit, then widened exactly to
 * float64. Block layouts (bytes per block of 32 or 256 elements):
 * <ul>
 *   <li>Q4_0 (18): f16 d, u8 qs[16]; x = (nibble − 8)·d, low nibbles first.</li>
 *   <li>Q4_1 (20): f16 d, f16 m, u8 qs[16]; x = nibble·d + m.</li>
 *   <li>Q5_0 (22): f16 d, u32 qh, u8 qs[16]; x = (nibble | high bit·16 − 16)·d.</li>
 *   <li>Q5_1 (24): f16 d, f16 m, u32 qh, u8 qs[16]; x = (nibble | high bit·16)·d + m.</li>
 *   <li>Q8_0 (34): f16 d, i8 qs[32]; x = q·d.</li>
 *   <li>Q2_K (84): u8 scales[16], u8 qs[64], f16 d, f16 dmin.</li>
 *   <li>Q3_K (110): u8 hmask[32], u8 qs[64], u8 scales[12] (6-bit, packed), f16 d.</li>
 *   <li>Q4_K (144): f16 d, f16 dmin, u8 scales[12] (6-bit scale/min pairs), u8 qs[128].</li>
 *   <li>Q5_K (176): f16 d, f16 dmin, u8 scales[12], u8 qh[32], u8 qs[128].</li>
 *   <li>Q6_K (210): u8 ql[128], u8 qh[64], i8 scales[16], f16 d.</li>
 * </ul>
 * Stateless; safe from any thread.
 */
public final class GgmlDequant {
    private static final int QK = 32;
    private static final int QK_K = 256;

    private GgmlDequant() {
    }

    /**
     * Dequantises {@code blocks} blocks of {@code type} from {@code src} (little-endian, from its
     * position, which advances) into {@code dst[off..off + blocks·elementsPerBlock)}.
     *
     * @throws IllegalArgumentException when {@code type} is not block-quantised
     */
    public static void dequantize(DType type, ByteBuffer src, int blocks, double[] dst, int off) {
        byte[] b = new byte[type.bytesPerBlock()];
        float[] y = new float[type.elementsPerBlock()];
        for (int i = 0; i < blocks; i++) {
            src.get(b);
            switch (type) {
                case Q4_0 -> q4_0(b, y);
                case Q4_1 -> q4_1(b, y);
                case Q5_0 -> q5_0(b, y);
                case Q5_1 -> q5_1(b, y);
                case Q8_0 -> q8_0(b, y);
                case Q2_K -> q2_K(b, y);
                case Q3_K -> q3_K(b, y);
                case Q4_K -> q4_K(b, y);
                case Q5_K -> q5_K(b, y);
                case Q6_K -> q6_K(b, y);
                default -> throw new IllegalArgumentException(type + " is not a ggml block-quantised type");
            }
            int base = off + i * y.length;
            for (int j = 0; j < y.length; j++) {
                dst[base + j] = y[j];
            }
        }
    }

    private static float f16(byte[] b, int at) {
        return ElementDecoder.halfToFloat((short) ((b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8));
    }

    private static int u8(byte[] b, int at) {
        return b[at] & 0xFF;
    }

    private static int u32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    static void q4_0(byte[] x, float[] y) {
        float d = f16(x, 0);
        for (int j = 0; j < QK / 2; ++j) {
            int x0 = (u8(x, 2 + j) & 0x0F) - 8;
            int x1 = (u8(x, 2 + j) >>> 4) - 8;
            y[j] = x0 * d;
            y[j + QK / 2] = x1 * d;
        }
    }

    static void q4_1(byte[] x, float[] y) {
        float d = f16(x, 0);
        float m = f16(x, 2);
        for (int j = 0; j < QK / 2; ++j) {
            int x0 = u8(x, 4 + j) & 0x0F;
            int x1 = u8(x, 4 + j) >>> 4;
            y[j] = x0 * d + m;
            y[j + QK / 2] = x1 * d + m;
        }
    }

    static void q5_0(byte[] x, float[] y) {
        float d = f16(x, 0);
        int qh = u32(x, 2);
        for (int j = 0; j < QK / 2; ++j) {
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            int x0 = ((u8(x, 6 + j) & 0x0F) | xh0) - 16;
            int x1 = ((u8(x, 6 + j) >>> 4) | xh1) - 16;
            y[j] = x0 * d;
            y[j + QK / 2] = x1 * d;
        }
    }

    static void q5_1(byte[] x, float[] y) {
        float d = f16(x, 0);
        float m = f16(x, 2);
        int qh = u32(x, 4);
        for (int j = 0; j < QK / 2; ++j) {
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            int x0 = (u8(x, 8 + j) & 0x0F) | xh0;
            int x1 = (u8(x, 8 + j) >>> 4) | xh1;
            y[j] = x0 * d + m;
            y[j + QK / 2] = x1 * d + m;
        }
    }

    static void q8_0(byte[] x, float[] y) {
        float d = f16(x, 0);
        for (int j = 0; j < QK; ++j) {
            y[j] = x[2 + j] * d;
        }
    }

    /** block_q2_K: scales[16] @0, qs[64] @16, d @80, dmin @82. */
    static void q2_K(byte[] x, float[] y) {
        float d = f16(x, 80);
        float min = f16(x, 82);
        int q = 16;
        int is = 0;
        int o = 0;
        for (int n = 0; n < QK_K; n += 128) {
            int shift = 0;
            for (int j = 0; j < 4; ++j) {
                int sc = u8(x, is++);
                float dl = d * (sc & 0xF);
                float ml = min * (sc >>> 4);
                for (int l = 0; l < 16; ++l) {
                    y[o++] = dl * ((u8(x, q + l) >>> shift) & 3) - ml;
                }
                sc = u8(x, is++);
                dl = d * (sc & 0xF);
                ml = min * (sc >>> 4);
                for (int l = 0; l < 16; ++l) {
                    y[o++] = dl * ((u8(x, q + l + 16) >>> shift) & 3) - ml;
                }
                shift += 2;
            }
            q += 32;
        }
    }

    /** block_q3_K: hmask[32] @0, qs[64] @32, scales[12] @96, d @108. */
    static void q3_K(byte[] x, float[] y) {
        final int kmask1 = 0x03030303;
        final int kmask2 = 0x0f0f0f0f;
        float dAll = f16(x, 108);
        int a0 = u32(x, 96);
        int a1 = u32(x, 100);
        int tmp = u32(x, 104);
        int[] aux = {
            (a0 & kmask2) | (((tmp) & kmask1) << 4),
            (a1 & kmask2) | (((tmp >>> 2) & kmask1) << 4),
            ((a0 >>> 4) & kmask2) | (((tmp >>> 4) & kmask1) << 4),
            ((a1 >>> 4) & kmask2) | (((tmp >>> 6) & kmask1) << 4),
        };
        byte[] scales = new byte[16];
        for (int i = 0; i < 16; i++) {
            scales[i] = (byte) (aux[i / 4] >>> (8 * (i % 4)));
        }
        int q = 32;
        int m = 1;
        int is = 0;
        int o = 0;
        for (int n = 0; n < QK_K; n += 128) {
            int shift = 0;
            for (int j = 0; j < 4; ++j) {
                float dl = dAll * (scales[is++] - 32);
                for (int l = 0; l < 16; ++l) {
                    y[o++] = dl * (((u8(x, q + l) >>> shift) & 3) - ((u8(x, l) & m) != 0 ? 0 : 4));
                }
                dl = dAll * (scales[is++] - 32);
                for (int l = 0; l < 16; ++l) {
                    y[o++] = dl * (((u8(x, q + l + 16) >>> shift) & 3) - ((u8(x, l + 16) & m) != 0 ? 0 : 4));
                }
                shift += 2;
                m <<= 1;
            }
            q += 32;
        }
    }

    /** ggml's {@code get_scale_min_k4}: 6-bit scale and min of sub-block j from the 12 packed bytes at {@code at}. */
    private static int[] scaleMinK4(int j, byte[] x, int at) {
        if (j < 4) {
            return new int[] {u8(x, at + j) & 63, u8(x, at + j + 4) & 63};
        }
        int d = (u8(x, at + j + 4) & 0xF) | ((u8(x, at + j - 4) >>> 6) << 4);
        int m = (u8(x, at + j + 4) >>> 4) | ((u8(x, at + j) >>> 6) << 4);
        return new int[] {d, m};
    }

    /** block_q4_K: d @0, dmin @2, scales[12] @4, qs[128] @16. */
    static void q4_K(byte[] x, float[] y) {
        float d = f16(x, 0);
        float min = f16(x, 2);
        int q = 16;
        int is = 0;
        int o = 0;
        for (int j = 0; j < QK_K; j += 64) {
            int[] sm = scaleMinK4(is, x, 4);
            float d1 = d * sm[0];
            float m1 = min * sm[1];
            sm = scaleMinK4(is + 1, x, 4);
            float d2 = d * sm[0];
            float m2 = min * sm[1];
            for (int l = 0; l < 32; ++l) {
                y[o++] = d1 * (u8(x, q + l) & 0xF) - m1;
            }
            for (int l = 0; l < 32; ++l) {
                y[o++] = d2 * (u8(x, q + l) >>> 4) - m2;
            }
            q += 32;
            is += 2;
        }
    }

    /** block_q5_K: d @0, dmin @2, scales[12] @4, qh[32] @16, qs[128] @48. */
    static void q5_K(byte[] x, float[] y) {
        float d = f16(x, 0);
        float min = f16(x, 2);
        int ql = 48;
        int is = 0;
        int u1 = 1;
        int u2 = 2;
        int o = 0;
        for (int j = 0; j < QK_K; j += 64) {
            int[] sm = scaleMinK4(is, x, 4);
            float d1 = d * sm[0];
            float m1 = min * sm[1];
            sm = scaleMinK4(is + 1, x, 4);
            float d2 = d * sm[0];
            float m2 = min * sm[1];
            for (int l = 0; l < 32; ++l) {
                y[o++] = d1 * ((u8(x, ql + l) & 0xF) + ((u8(x, 16 + l) & u1) != 0 ? 16 : 0)) - m1;
            }
            for (int l = 0; l < 32; ++l) {
                y[o++] = d2 * ((u8(x, ql + l) >>> 4) + ((u8(x, 16 + l) & u2) != 0 ? 16 : 0)) - m2;
            }
            ql += 32;
            is += 2;
            u1 <<= 2;
            u2 <<= 2;
        }
    }

    /** block_q6_K: ql[128] @0, qh[64] @128, scales[16] (int8) @192, d @208. */
    static void q6_K(byte[] x, float[] y) {
        float d = f16(x, 208);
        int ql = 0;
        int qh = 128;
        int sc = 192;
        int o = 0;
        for (int n = 0; n < QK_K; n += 128) {
            for (int l = 0; l < 32; ++l) {
                int is = l / 16;
                int q1 = (byte) ((u8(x, ql + l) & 0xF) | (((u8(x, qh + l) >>> 0) & 3) << 4)) - 32;
                int q2 = (byte) ((u8(x, ql + l + 32) & 0xF) | (((u8(x, qh + l) >>> 2) & 3) << 4)) - 32;
                int q3 = (byte) ((u8(x, ql + l) >>> 4) | (((u8(x, qh + l) >>> 4) & 3) << 4)) - 32;
                int q4 = (byte) ((u8(x, ql + l + 32) >>> 4) | (((u8(x, qh + l) >>> 6) & 3) << 4)) - 32;
                y[o + l] = d * x[sc + is] * q1;
                y[o + l + 32] = d * x[sc + is + 2] * q2;
                y[o + l + 64] = d * x[sc + is + 4] * q3;
                y[o + l + 96] = d * x[sc + is + 6] * q4;
            }
            o += 128;
            ql += 64;
            qh += 32;
            sc += 8;
        }
    }
}
