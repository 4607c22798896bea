package dev.rankscope.engine.testing;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Builders for safetensors test files, shared with other modules through the engine test-jar.
 * The raw builders write exactly the bytes given (no validation, no padding), so tests can make
 * malformed files; {@link #writeF32Matrix} and {@link #writer()} make valid ones via the real writer.
 */
public final class SafetensorsFixtures {

    private SafetensorsFixtures() {
    }

    /** {@code [u64 LE header.length][header][data]}. */
    public static byte[] bytes(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return bytes(h.length, h, data);
    }

    /** {@code [u64 LE declaredLength][header][data]} with an arbitrary (possibly lying) length. */
    public static byte[] bytes(long declaredLength, byte[] header, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).array());
        out.writeBytes(header);
        out.writeBytes(data);
        return out.toByteArray();
    }

    /** Writes {@link #bytes(String, byte[])} to {@code file}. */
    public static Path write(Path file, String header, byte[] data) {
        return write(file, bytes(header, data));
    }

    /** Writes raw bytes to {@code file} (parents created). */
    public static Path write(Path file, byte[] content) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One header entry: {@code "name":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}. */
    public static String entry(String name, String dtype, long[] shape, long begin, long end) {
        StringBuilder sb = new StringBuilder();
        sb.append('"').append(name).append("\":{\"dtype\":\"").append(dtype).append("\",\"shape\":[");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ",").append(shape[i]);
        }
        return sb.append("],\"data_offsets\":[").append(begin).append(',').append(end).append("]}").toString();
    }

    /** {@code {e1,e2,...}}. */
    public static String header(String... entries) {
        return "{" + String.join(",", entries) + "}";
    }

    /** Little-endian float32 bytes. */
    public static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    /** {@code n} zero bytes. */
    public static byte[] zeros(int n) {
        return new byte[n];
    }

    /** Concatenates byte arrays. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A fresh writer (shorthand for tests). */
    public static SafetensorsWriter writer() {
        return new SafetensorsWriter();
    }

    /** Writes a valid single-tensor F32 file holding {@code values} as an m×n matrix (row-major). */
    public static Path writeF32Matrix(Path file, String name, int m, int n, double[] values) {
        if (values.length != m * n) {
            throw new IllegalArgumentException("need " + m * n + " values, got " + values.length);
        }
        double[] copy = Arrays.copyOf(values, values.length);
        new SafetensorsWriter().add(name, DType.F32, new long[] {m, n}, sink -> sink.put(copy))
                .write(file, AtomicFileWriter.unprotected());
        return file;
    }
}
