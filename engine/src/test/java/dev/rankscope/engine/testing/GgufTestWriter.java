package dev.rankscope.engine.testing;

import dev.rankscope.engine.tensor.DType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF v2/v3 files as llama.cpp's {@code gguf_write} does: header, KV pairs, tensor infos
 * (dims innermost first), padding to the alignment, tensor data each padded to the alignment.
 * Raw KV bytes can be appended for malformed-file tests. Test code only.
 */
public final class GgufTestWriter {
    /** ggml type ids (ggml.h). */
    public static final Map<DType, Integer> TYPE_IDS = Map.ofEntries(Map.entry(DType.F32, 0), Map.entry(DType.F16, 1),
            Map.entry(DType.Q4_0, 2), Map.entry(DType.Q4_1, 3), Map.entry(DType.Q5_0, 6), Map.entry(DType.Q5_1, 7),
            Map.entry(DType.Q8_0, 8), Map.entry(DType.Q2_K, 10), Map.entry(DType.Q3_K, 11), Map.entry(DType.Q4_K, 12),
            Map.entry(DType.Q5_K, 13), Map.entry(DType.Q6_K, 14), Map.entry(DType.I8, 24), Map.entry(DType.I16, 25),
            Map.entry(DType.I32, 26), Map.entry(DType.I64, 27), Map.entry(DType.F64, 28), Map.entry(DType.BF16, 30));

    private record Tensor(String name, long[] shape, int typeId, byte[] data) { }

    private final int version;
    private final int alignment;
    private final ByteArrayOutputStream kv = new ByteArrayOutputStream();
    private int kvCount;
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufTestWriter(int version, int alignment) {
        this.version = version;
        this.alignment = alignment;
        if (alignment != 32) {
            kvU32("general.alignment", alignment);
        }
    }

    public GgufTestWriter kvString(String key, String value) {
        key(key, 8);
        str(kv, value);
        return this;
    }

    public GgufTestWriter kvU32(String key, int value) {
        key(key, 4);
        kv.writeBytes(le(4).putInt(value).array());
        return this;
    }

    public GgufTestWriter kvF32(String key, float value) {
        key(key, 6);
        kv.writeBytes(le(4).putFloat(value).array());
        return this;
    }

    public GgufTestWriter kvBool(String key, boolean value) {
        key(key, 7);
        kv.write(value ? 1 : 0);
        return this;
    }

    public GgufTestWriter kvU64(String key, long value) {
        key(key, 10);
        kv.writeBytes(le(8).putLong(value).array());
        return this;
    }

    public GgufTestWriter kvStringArray(String key, List<String> values) {
        key(key, 9);
        kv.writeBytes(le(12).putInt(8).putLong(values.size()).array());
        for (String v : values) {
            str(kv, v);
        }
        return this;
    }

    public GgufTestWriter kvI32Array(String key, int[] values) {
        key(key, 9);
        kv.writeBytes(le(12).putInt(5).putLong(values.length).array());
        for (int v : values) {
            kv.writeBytes(le(4).putInt(v).array());
        }
        return this;
    }

    /** Appends raw bytes as one more KV entry (count incremented): for malformed-header tests. */
    public GgufTestWriter rawKv(byte[] bytes) {
        kv.writeBytes(bytes);
        kvCount++;
        return this;
    }

    /** A tensor; {@code shape} outermost first (PyTorch order), written innermost first. */
    public GgufTestWriter tensor(String name, long[] shape, DType type, byte[] data) {
        tensors.add(new Tensor(name, shape, TYPE_IDS.get(type), data));
        return this;
    }

    public GgufTestWriter tensorWithTypeId(String name, long[] shape, int typeId, byte[] data) {
        tensors.add(new Tensor(name, shape, typeId, data));
        return this;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'G', 'G', 'U', 'F'});
        out.writeBytes(le(20).putInt(version).putLong(tensors.size()).putLong(kvCount).array());
        out.writeBytes(kv.toByteArray());
        long offset = 0;
        List<Long> offsets = new ArrayList<>();
        for (Tensor t : tensors) {
            str(out, t.name);
            out.writeBytes(le(4).putInt(t.shape.length).array());
            for (int i = t.shape.length - 1; i >= 0; i--) {
                out.writeBytes(le(8).putLong(t.shape[i]).array());
            }
            out.writeBytes(le(12).putInt(t.typeId).putLong(offset).array());
            offsets.add(offset);
            offset += pad(t.data.length);
        }
        out.writeBytes(new byte[(int) (pad(out.size()) - out.size())]);
        for (Tensor t : tensors) {
            out.writeBytes(t.data);
            out.writeBytes(new byte[(int) (pad(t.data.length) - t.data.length)]);
        }
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }

    private long pad(long n) {
        return (n + alignment - 1) / alignment * alignment;
    }

    private void key(String key, int type) {
        str(kv, key);
        kv.writeBytes(le(4).putInt(type).array());
        kvCount++;
    }

    private static void str(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(le(8).putLong(b.length).array());
        out.writeBytes(b);
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
