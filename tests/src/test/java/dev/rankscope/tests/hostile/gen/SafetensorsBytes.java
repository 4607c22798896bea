package dev.rankscope.tests.hostile.gen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds safetensors files byte by byte (SPEC §6: {@code [u64 LE N][N bytes JSON][data]}), with
 * every field under the caller's control so headers can lie about lengths, offsets and dtypes.
 */
public final class SafetensorsBytes {
    private SafetensorsBytes() {
    }

    /** A file from a raw header (padded with spaces to a multiple of 8) and raw data. */
    public static byte[] file(String headerJson, byte[] data) {
        byte[] h = headerJson.getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        Bytes b = new Bytes().u64(h.length + pad).bytes(h);
        for (int i = 0; i < pad; i++) {
            b.u8(' ');
        }
        return b.bytes(data).toArray();
    }

    /** A file whose 8-byte length field says {@code declared} regardless of the header that follows. */
    public static byte[] withDeclaredLength(long declared, byte[] header, byte[] data) {
        return new Bytes().u64(declared).bytes(header).bytes(data).toArray();
    }

    /** One tensor entry of a header. */
    public record Entry(String name, String dtype, String shape, long begin, long end) {
        String json() {
            return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
        }
    }

    /** A header JSON object of {@code entries}, with optional {@code __metadata__}. */
    public static String header(String metadataJson, Entry... entries) {
        List<String> parts = new ArrayList<>();
        if (metadataJson != null) {
            parts.add("\"__metadata__\":" + metadataJson);
        }
        for (Entry e : entries) {
            parts.add(e.json());
        }
        return "{" + String.join(",", parts) + "}";
    }

    /** A valid F32 file of named float matrices: {@code names[i]} has shape {@code shapes[i]} (rows, cols). */
    public static byte[] validF32(String[] names, int[][] shapes, float[][] values) {
        List<Entry> entries = new ArrayList<>();
        Bytes data = new Bytes();
        long off = 0;
        for (int i = 0; i < names.length; i++) {
            int n = values[i].length;
            StringBuilder shape = new StringBuilder("[");
            for (int d = 0; d < shapes[i].length; d++) {
                shape.append(d == 0 ? "" : ",").append(shapes[i][d]);
            }
            entries.add(new Entry(names[i], "F32", shape.append(']').toString(), off, off + 4L * n));
            data.bytes(Bytes.f32s(values[i]));
            off += 4L * n;
        }
        return file(header(null, entries.toArray(Entry[]::new)), data.toArray());
    }

    /** The standard small model used as a seed and as the base of most corruptions: w (3×4) and b (4). */
    public static byte[] small() {
        return validF32(new String[] {"layer.0.weight", "layer.0.bias"}, new int[][] {{3, 4}, {4}},
                new float[][] {Bytes.ramp(12), Bytes.ramp(4)});
    }
}
