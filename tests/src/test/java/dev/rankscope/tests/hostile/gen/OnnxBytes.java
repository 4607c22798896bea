package dev.rankscope.tests.hostile.gen;

import java.nio.charset.StandardCharsets;

/**
 * ONNX models as raw protobuf: {@code ModelProto{ir_version=1, opset_import=8, graph=7}},
 * {@code GraphProto{name=2, initializer=5}}, {@code TensorProto{dims=1, data_type=2, float_data=4,
 * name=8, raw_data=9}}. Field numbers from onnx.proto; any length can be made to lie.
 */
public final class OnnxBytes {
    /** ONNX TensorProto.DataType FLOAT. */
    public static final int FLOAT = 1;

    private final Bytes b = new Bytes();

    public static byte[] varint(long v) {
        Bytes out = new Bytes();
        while ((v & ~0x7FL) != 0) {
            out.u8((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        return out.u8((int) v).toArray();
    }

    public OnnxBytes tagVarint(int field, long v) {
        b.bytes(varint((long) field << 3)).bytes(varint(v));
        return this;
    }

    /** A length-delimited field (wire type 2). */
    public OnnxBytes tagBytes(int field, byte[] payload) {
        b.bytes(varint(((long) field << 3) | 2)).bytes(varint(payload.length)).bytes(payload);
        return this;
    }

    /** A length-delimited field whose length prefix says {@code declared}. */
    public OnnxBytes tagLyingBytes(int field, long declared, byte[] payload) {
        b.bytes(varint(((long) field << 3) | 2)).bytes(varint(declared)).bytes(payload);
        return this;
    }

    public OnnxBytes raw(byte[] bytes) {
        b.bytes(bytes);
        return this;
    }

    public byte[] toArray() {
        return b.toArray();
    }

    /** A TensorProto with raw_data. */
    public static byte[] tensor(String name, long[] dims, int dataType, byte[] raw) {
        OnnxBytes t = new OnnxBytes();
        for (long d : dims) {
            t.tagVarint(1, d);
        }
        t.tagVarint(2, dataType).tagBytes(8, name.getBytes(StandardCharsets.UTF_8)).tagBytes(9, raw);
        return t.toArray();
    }

    /** A model whose graph holds {@code initializers} (TensorProto bytes). */
    public static byte[] model(byte[]... initializers) {
        OnnxBytes g = new OnnxBytes().tagBytes(2, "g".getBytes(StandardCharsets.UTF_8));
        for (byte[] init : initializers) {
            g.tagBytes(5, init);
        }
        byte[] opset = new OnnxBytes().tagVarint(2, 17).toArray();
        return new OnnxBytes().tagVarint(1, 8).tagBytes(8, opset).tagBytes(7, g.toArray()).toArray();
    }

    /** A valid model: w (3×4) and b (4) as FLOAT raw_data. */
    public static byte[] small() {
        return model(tensor("layer.0.weight", new long[] {3, 4}, FLOAT, Bytes.f32s(Bytes.ramp(12))),
                tensor("layer.0.bias", new long[] {4}, FLOAT, Bytes.f32s(Bytes.ramp(4))));
    }
}
