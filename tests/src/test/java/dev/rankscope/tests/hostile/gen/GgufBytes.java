package dev.rankscope.tests.hostile.gen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * GGUF files (SPEC §6): magic, version, counts, key/values, tensor infos (dims innermost first),
 * padding to the alignment, data. Every count, offset and length can be set to a lie.
 */
public final class GgufBytes {
    /** ggml type codes used here. */
    public static final int F32 = 0;
    public static final int Q8_0 = 8;

    /** One tensor info; {@code dims} as written (innermost first). */
    public record Info(String name, long[] dims, int type, long offset) { }

    private String magic = "GGUF";
    private long version = 3;
    private Long tensorCountOverride;
    private Long kvCountOverride;
    private final List<byte[]> kvs = new ArrayList<>();
    private final List<Info> infos = new ArrayList<>();
    private byte[] data = new byte[0];
    private int alignment = 32;

    public GgufBytes magic(String m) {
        magic = m;
        return this;
    }

    public GgufBytes version(long v) {
        version = v;
        return this;
    }

    public GgufBytes tensorCount(long n) {
        tensorCountOverride = n;
        return this;
    }

    public GgufBytes kvCount(long n) {
        kvCountOverride = n;
        return this;
    }

    /** A string-valued key (type 8). */
    public GgufBytes kvString(String key, String value) {
        kvs.add(new Bytes().bytes(str(key)).u32(8).bytes(str(value)).toArray());
        return this;
    }

    /** A u32-valued key (type 4); {@code general.alignment} also sets the padding used. */
    public GgufBytes kvU32(String key, long value) {
        if (key.equals("general.alignment")) {
            alignment = (int) value;
        }
        kvs.add(new Bytes().bytes(str(key)).u32(4).u32(value).toArray());
        return this;
    }

    /** Raw key/value bytes (for lying string lengths, bad types, huge arrays). */
    public GgufBytes kvRaw(byte[] kv) {
        kvs.add(kv);
        return this;
    }

    public GgufBytes tensor(String name, long[] dims, int type, long offset) {
        infos.add(new Info(name, dims, type, offset));
        return this;
    }

    public GgufBytes data(byte[] d) {
        data = d;
        return this;
    }

    /** A GGUF string: u64 length + UTF-8 bytes. */
    public static byte[] str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return new Bytes().u64(u.length).bytes(u).toArray();
    }

    public byte[] toArray() {
        Bytes b = new Bytes().ascii(magic).u32(version)
                .u64(tensorCountOverride != null ? tensorCountOverride : infos.size())
                .u64(kvCountOverride != null ? kvCountOverride : kvs.size());
        kvs.forEach(b::bytes);
        for (Info i : infos) {
            b.bytes(str(i.name)).u32(i.dims.length);
            for (long d : i.dims) {
                b.u64(d);
            }
            b.u32(i.type).u64(i.offset);
        }
        if (alignment > 0) {
            b.align(alignment, 0);
        }
        return b.bytes(data).toArray();
    }

    /** A valid file: w (3×4, stored dims [4, 3]) F32 and b (4) F32 at the aligned offset 64. */
    public static GgufBytes small() {
        byte[] w = Bytes.f32s(Bytes.ramp(12));
        byte[] bias = Bytes.f32s(Bytes.ramp(4));
        byte[] data = new byte[64 + bias.length];
        System.arraycopy(w, 0, data, 0, w.length);
        System.arraycopy(bias, 0, data, 64, bias.length);
        return new GgufBytes().kvString("general.architecture", "llama")
                .tensor("blk.0.attn_q.weight", new long[] {4, 3}, F32, 0)
                .tensor("blk.0.attn_norm.weight", new long[] {4}, F32, 64)
                .data(data);
    }
}
