package dev.rankscope.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes ONNX ModelProto bytes with a hand-rolled protobuf encoder, laid out as PyTorch's exporter
 * does (ir_version, producer, opset_import, graph with nodes then initializers). Test code only.
 */
public final class OnnxTestWriter {
    /** ONNX TensorProto.DataType values. */
    public static final int FLOAT = 1;
    public static final int UINT8 = 2;
    public static final int INT8 = 3;
    public static final int INT16 = 5;
    public static final int INT32 = 6;
    public static final int INT64 = 7;
    public static final int STRING = 8;
    public static final int BOOL = 9;
    public static final int FLOAT16 = 10;
    public static final int DOUBLE = 11;
    public static final int BFLOAT16 = 16;

    /** A protobuf message under construction. */
    public static final class Msg {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        public Msg varint(int field, long v) {
            tag(field, 0);
            rawVarint(v);
            return this;
        }

        public Msg bytes(int field, byte[] b) {
            tag(field, 2);
            rawVarint(b.length);
            out.writeBytes(b);
            return this;
        }

        public Msg string(int field, String s) {
            return bytes(field, s.getBytes(StandardCharsets.UTF_8));
        }

        public Msg msg(int field, Msg m) {
            return bytes(field, m.toBytes());
        }

        public Msg packedVarints(int field, long[] values) {
            Msg inner = new Msg();
            for (long v : values) {
                inner.rawVarint(v);
            }
            return bytes(field, inner.toBytes());
        }

        public Msg packedFloats(int field, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            return bytes(field, b.array());
        }

        public Msg packedDoubles(int field, double[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                b.putDouble(v);
            }
            return bytes(field, b.array());
        }

        /** Unpacked repeated float (wire type 5), as old writers emitted. */
        public Msg fixed32(int field, float v) {
            tag(field, 5);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array());
            return this;
        }

        public byte[] toBytes() {
            return out.toByteArray();
        }

        private void tag(int field, int wt) {
            rawVarint(((long) field << 3) | wt);
        }

        private void rawVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }

    private final Msg graph = new Msg();

    public OnnxTestWriter() {
        graph.string(2, "main_graph");
    }

    /** A node; {@code intAttrs} become INT attributes (e.g. Gemm transB). */
    public OnnxTestWriter node(String name, String opType, String[] inputs, String[] outputs, Map<String, Long> intAttrs) {
        Msg n = new Msg();
        for (String i : inputs) {
            n.string(1, i);
        }
        for (String o : outputs) {
            n.string(2, o);
        }
        n.string(3, name).string(4, opType);
        for (Map.Entry<String, Long> a : intAttrs.entrySet()) {
            n.msg(5, new Msg().string(1, a.getKey()).varint(3, a.getValue()).varint(20, 2));
        }
        graph.msg(1, n);
        return this;
    }

    /** A raw initializer (any extra TensorProto fields may be added to the returned message). */
    public Msg tensor(String name, int dataType, long[] dims) {
        Msg t = new Msg();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, dataType).string(8, name);
        return t;
    }

    public OnnxTestWriter initializer(Msg tensor) {
        graph.msg(5, tensor);
        return this;
    }

    public OnnxTestWriter raw(String name, int dataType, long[] dims, byte[] raw) {
        return initializer(tensor(name, dataType, dims).bytes(9, raw));
    }

    public OnnxTestWriter external(String name, int dataType, long[] dims, String location, long offset, long length) {
        Msg t = tensor(name, dataType, dims);
        t.msg(13, new Msg().string(1, "location").string(2, location));
        t.msg(13, new Msg().string(1, "offset").string(2, Long.toString(offset)));
        t.msg(13, new Msg().string(1, "length").string(2, Long.toString(length)));
        t.varint(14, 1);
        return initializer(t);
    }

    public byte[] toBytes() {
        Msg model = new Msg();
        model.varint(1, 8).string(2, "pytorch").string(3, "1.13.1");
        model.msg(8, new Msg().varint(2, 17));
        model.msg(7, graph);
        return model.toBytes();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }
}
