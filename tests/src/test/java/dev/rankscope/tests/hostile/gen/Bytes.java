package dev.rankscope.tests.hostile.gen;

import dev.rankscope.engine.testing.SafetensorsFixtures;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A growable little-endian byte builder for the hostile-file generators: every malformed file in
 * the corpus is assembled from these primitives, so no binary fixture is ever hand-edited.
 * Not thread-safe; one builder per file.
 */
public final class Bytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public Bytes u8(int v) {
        out.write(v);
        return this;
    }

    public Bytes u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    public Bytes u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    public Bytes u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    public Bytes f32(float v) {
        return u32(Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
    }

    public Bytes f64(double v) {
        return u64(Double.doubleToRawLongBits(v));
    }

    public Bytes bytes(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    public Bytes ascii(String s) {
        return bytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    public Bytes utf8(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Pads with {@code fill} until the length is a multiple of {@code alignment}. */
    public Bytes align(int alignment, int fill) {
        while (out.size() % alignment != 0) {
            out.write(fill);
        }
        return this;
    }

    public int size() {
        return out.size();
    }

    public byte[] toArray() {
        return out.toByteArray();
    }

    /** Float32 values, little-endian (the engine test-jar's encoder). */
    public static byte[] f32s(float... values) {
        return SafetensorsFixtures.f32(values);
    }

    /** {@code n} float32 values {@code 0.5·i − 1} (a deterministic, non-degenerate matrix). */
    public static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f * ((i * 7) % 11) - 1f + 0.01f * i;
        }
        return v;
    }

    /** {@code b} with its last {@code k} bytes removed. */
    public static byte[] chop(byte[] b, int k) {
        return java.util.Arrays.copyOf(b, Math.max(0, b.length - k));
    }

    /** {@code b} cut to its first {@code n} bytes. */
    public static byte[] head(byte[] b, int n) {
        return java.util.Arrays.copyOf(b, Math.min(n, b.length));
    }
}
