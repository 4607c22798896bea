package dev.rankscope.engine.io.onnx;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.OnnxTestWriter;
import dev.rankscope.engine.testing.TestEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxReaderTest {
    @TempDir
    Path dir;

    /** W (out=2, in=3) in PyTorch order; the exporter stores Wᵀ (3, 2). */
    private static final double[] W = {1, 2, 3, 4, 5, 6};
    private static final double[] W_T = {1, 4, 2, 5, 3, 6};

    @Test
    void generatedMatMulNamesAreRecoveredAndWeightsReadAsOutIn() throws Exception {
        Path f = new OnnxTestWriter()
                .node("/model/layers.0/self_attn/q_proj/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_123"},
                        new String[] {"/model/layers.0/self_attn/q_proj/MatMul_output_0"}, Map.of())
                .raw("onnx::MatMul_123", OnnxTestWriter.FLOAT, new long[] {3, 2}, TestEncoding.encode(DType.F32, W_T))
                .write(dir.resolve("model.onnx"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals("onnx", s.format());
            TensorInfo info = s.require("model.layers.0.self_attn.q_proj.weight");
            assertArrayEquals(new long[] {2, 3}, info.shape());
            assertArrayEquals(W, s.readDouble(info.name()), 0.0);
            double[] part = new double[3];
            s.readElements(info.name(), 2, 3, part, 0);
            assertArrayEquals(new double[] {3, 4, 5}, part, 0.0);
            assertEquals("onnx::MatMul_123", s.metadata().get("onnx.source_name.model.layers.0.self_attn.q_proj.weight"));
            assertEquals("pytorch", s.metadata().get("onnx.producer_name"));
            assertEquals("17", s.metadata().get("onnx.opset"));
        }
    }

    @Test
    void gemmWithTransBKeepsOrientationAndNamedInitializersKeepTheirNames() throws Exception {
        Path f = new OnnxTestWriter()
                .node("/head/Gemm", "Gemm", new String[] {"h", "head.weight", "head.bias"}, new String[] {"y"}, Map.of("transB", 1L))
                .node("/proj/Gemm", "Gemm", new String[] {"h", "onnx::Gemm_7", "onnx::Gemm_8"}, new String[] {"z"}, Map.of())
                .raw("head.weight", OnnxTestWriter.FLOAT, new long[] {2, 3}, TestEncoding.encode(DType.F32, W))
                .raw("head.bias", OnnxTestWriter.FLOAT, new long[] {2}, TestEncoding.encode(DType.F32, new double[] {7, 8}))
                .raw("onnx::Gemm_7", OnnxTestWriter.FLOAT, new long[] {3, 2}, TestEncoding.encode(DType.F32, W_T))
                .raw("onnx::Gemm_8", OnnxTestWriter.FLOAT, new long[] {2}, TestEncoding.encode(DType.F32, new double[] {9, 10}))
                .write(dir.resolve("gemm.onnx"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals(List.of("head.weight", "head.bias", "proj.weight", "proj.bias"),
                    s.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(W, s.readDouble("head.weight"), 0.0);
            assertArrayEquals(new long[] {2, 3}, s.require("proj.weight").shape());
            assertArrayEquals(W, s.readDouble("proj.weight"), 0.0); // Gemm transB = 0 stores (in, out)
            assertArrayEquals(new double[] {9, 10}, s.readDouble("proj.bias"), 0.0);
        }
    }

    @Test
    void typedFieldsAreDecoded() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter();
        w.initializer(w.tensor("f", OnnxTestWriter.FLOAT, new long[] {3}).packedFloats(4, new float[] {1.5f, -2f, 3f}));
        w.initializer(w.tensor("f_unpacked", OnnxTestWriter.FLOAT, new long[] {2}).fixed32(4, 0.25f).fixed32(4, -8f));
        w.initializer(w.tensor("d", OnnxTestWriter.DOUBLE, new long[] {2}).packedDoubles(10, new double[] {Math.PI, -1e300}));
        w.initializer(w.tensor("i64", OnnxTestWriter.INT64, new long[] {3}).packedVarints(7, new long[] {-5, 0, 1L << 40}));
        w.initializer(w.tensor("i8", OnnxTestWriter.INT8, new long[] {3}).packedVarints(5, new long[] {-128, 0, 127}));
        w.initializer(w.tensor("h", OnnxTestWriter.FLOAT16, new long[] {2})
                .packedVarints(5, new long[] {TestEncoding.floatToHalf(0.5f) & 0xFFFF, TestEncoding.floatToHalf(-3f) & 0xFFFF}));
        w.initializer(w.tensor("b", OnnxTestWriter.BOOL, new long[] {2}).packedVarints(5, new long[] {1, 0}));
        w.initializer(w.tensor("bf", OnnxTestWriter.BFLOAT16, new long[] {1}).bytes(9, TestEncoding.encode(DType.BF16, new double[] {-1.5})));
        w.initializer(w.tensor("names", OnnxTestWriter.STRING, new long[] {1}).string(6, "hello"));
        Path f = w.write(dir.resolve("typed.onnx"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(new double[] {1.5, -2, 3}, s.readDouble("f"), 0.0);
            assertArrayEquals(new double[] {0.25, -8}, s.readDouble("f_unpacked"), 0.0);
            assertArrayEquals(new double[] {Math.PI, -1e300}, s.readDouble("d"), 0.0);
            assertArrayEquals(new double[] {-5, 0, 1L << 40}, s.readDouble("i64"), 0.0);
            assertArrayEquals(new double[] {-128, 0, 127}, s.readDouble("i8"), 0.0);
            assertArrayEquals(new double[] {0.5, -3}, s.readDouble("h"), 0.0);
            assertArrayEquals(new double[] {1, 0}, s.readDouble("b"), 0.0);
            assertArrayEquals(new double[] {-1.5}, s.readDouble("bf"), 0.0);
            assertEquals(DType.F16, s.require("h").dtype());
            assertTrue(s.find("names").isEmpty());
            assertEquals("names", s.metadata().get("onnx.skipped"));
        }
    }

    @Test
    void externalDataInsideTheFolderIsReadAndOutsideIsUnsafe() throws Exception {
        Path model = Files.createDirectory(dir.resolve("m"));
        byte[] data = new byte[16 + 24];
        System.arraycopy(TestEncoding.encode(DType.F32, W), 0, data, 16, 24);
        Files.write(model.resolve("weights.bin"), data);
        Path ok = new OnnxTestWriter().external("w", OnnxTestWriter.FLOAT, new long[] {2, 3}, "weights.bin", 16, 24)
                .write(model.resolve("ok.onnx"));
        try (TensorSource s = Checkpoints.open(ok)) {
            assertArrayEquals(W, s.readDouble("w"), 0.0);
        }
        Files.write(dir.resolve("secret.bin"), data);
        for (String evil : new String[] {"../secret.bin", dir.resolve("secret.bin").toString(), "sub/../../secret.bin", "../3\0cret.bin"}) {
            Path bad = new OnnxTestWriter().external("w", OnnxTestWriter.FLOAT, new long[] {2, 3}, evil, 16, 24)
                    .write(model.resolve("bad.onnx"));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(bad), evil);
            assertEquals(Category.UNSAFE, e.category(), evil);
        }
        Path shortData = new OnnxTestWriter().external("w", OnnxTestWriter.FLOAT, new long[] {2, 3}, "weights.bin", 30, 24)
                .write(model.resolve("short.onnx"));
        assertEquals(Category.TRUNCATED, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(shortData)).category());
    }

    @Test
    void rawDataSizeMismatchAndTruncatedProtobufAreReported() throws Exception {
        Path f = new OnnxTestWriter().raw("w", OnnxTestWriter.FLOAT, new long[] {2, 3}, new byte[20]).write(dir.resolve("size.onnx"));
        assertEquals(Category.SIZE_MISMATCH, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f)).category());
        byte[] good = new OnnxTestWriter().raw("w", OnnxTestWriter.FLOAT, new long[] {2, 3}, new byte[24]).toBytes();
        Path t = Files.write(dir.resolve("trunc.onnx"), java.util.Arrays.copyOf(good, good.length - 5));
        assertEquals(Category.TRUNCATED, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(t)).category());
    }

    @Test
    void sniffNeedsTheExtensionAndAProtobufStart() throws Exception {
        byte[] model = new OnnxTestWriter().raw("w", OnnxTestWriter.FLOAT, new long[] {1}, new byte[4]).toBytes();
        assertTrue(OnnxFormat.sniff(model));
        assertFalse(OnnxFormat.sniff("{\"json\": true}".getBytes()));
        assertFalse(OnnxFormat.sniff(new byte[] {(byte) 0xFF, (byte) 0xFF}));
        Path other = Files.write(dir.resolve("model.bin2"), model);
        assertEquals(Category.UNKNOWN_FORMAT, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(other)).category());
        Path text = Files.writeString(dir.resolve("notes.onnx"), "hello, this is not a model");
        assertEquals(Category.UNKNOWN_FORMAT, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(text)).category());
    }

    @Test
    void namingHelpers() {
        assertTrue(OnnxSource.isGeneratedName("onnx::MatMul_123"));
        assertFalse(OnnxSource.isGeneratedName("model.embed_tokens.weight"));
        assertEquals("model.layers.0.self_attn.q_proj", OnnxSource.modulePath("/model/layers.0/self_attn/q_proj/MatMul"));
        assertEquals(null, OnnxSource.modulePath("MatMul_3"));
    }

    /** ONNX TensorProto.DataType → the dtype Rankscope reports, for every numeric type it reads. */
    private static final Map<Integer, DType> ONNX_TYPES = Map.ofEntries(Map.entry(1, DType.F32), Map.entry(2, DType.U8),
            Map.entry(3, DType.I8), Map.entry(4, DType.U16), Map.entry(5, DType.I16), Map.entry(6, DType.I32),
            Map.entry(7, DType.I64), Map.entry(9, DType.BOOL), Map.entry(10, DType.F16), Map.entry(11, DType.F64),
            Map.entry(12, DType.U32), Map.entry(13, DType.U64), Map.entry(16, DType.BF16));

    @Test
    void everyNumericDataTypeFromRawData() throws Exception {
        OnnxTestWriter w = new OnnxTestWriter();
        Map<Integer, double[]> values = new java.util.TreeMap<>();
        for (Map.Entry<Integer, DType> e : ONNX_TYPES.entrySet()) {
            DType t = e.getValue();
            double[] v = t.kind() == DType.Kind.FLOAT ? new double[] {1.5, -0.25, 3} : t.kind() == DType.Kind.BOOL
                    ? new double[] {1, 0, 1} : t.kind() == DType.Kind.UINT ? new double[] {0, 200, 17} : new double[] {-7, 0, 100};
            values.put(e.getKey(), v);
            w.raw("t" + e.getKey(), e.getKey(), new long[] {3}, TestEncoding.encode(t, v));
        }
        // float8 types: raw bytes decoded by the shared F8 tables (0x38 = 1.0 in E4M3FN, 0x3C = 1.0 in E5M2).
        w.raw("f8e4m3", 17, new long[] {1}, new byte[] {0x38});
        w.raw("f8e5m2", 19, new long[] {1}, new byte[] {0x3C});
        Path f = w.write(dir.resolve("types.onnx"));
        try (TensorSource s = Checkpoints.open(f)) {
            for (Map.Entry<Integer, double[]> e : values.entrySet()) {
                DType t = ONNX_TYPES.get(e.getKey());
                assertEquals(t, s.require("t" + e.getKey()).dtype());
                assertArrayEquals(e.getValue(), s.readDouble("t" + e.getKey()), 0.0, t.toString());
            }
            assertEquals(DType.F8_E4M3, s.require("f8e4m3").dtype());
            assertArrayEquals(new double[] {1}, s.readDouble("f8e4m3"), 0.0);
            assertArrayEquals(new double[] {1}, s.readDouble("f8e5m2"), 0.0);
        }
    }
}
