package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.GgufTestWriter;
import dev.rankscope.engine.testing.NpyTestWriter;
import dev.rankscope.engine.testing.OnnxTestWriter;
import dev.rankscope.engine.testing.TestEncoding;
import dev.rankscope.engine.testing.TorchCheckpointWriter;
import dev.rankscope.engine.testing.ZipTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same (out = 5, in = 7) weight written by every format's writer must read back as the same
 * float64 values in (out, in) C order: bit-identical for F32 (and for F16 across formats), and
 * within half-precision rounding of the F32 values for F16.
 */
class CrossFormatConsistencyTest {
    private static final long[] SHAPE = {5, 7};

    @TempDir
    Path dir;

    private static double[] transpose(double[] w, int rows, int cols) {
        double[] t = new double[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = w[i * cols + j];
            }
        }
        return t;
    }

    private Map<String, double[]> readAll(DType dtype, double[] w) throws Exception {
        int onnxType = dtype == DType.F32 ? OnnxTestWriter.FLOAT : OnnxTestWriter.FLOAT16;
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("npy", Files.write(dir.resolve(dtype + "w.npy"), NpyTestWriter.npy(dtype, ByteOrder.LITTLE_ENDIAN, false, SHAPE, w, 1)));
        files.put("npy-fortran-be", Files.write(dir.resolve(dtype + "wf.npy"),
                NpyTestWriter.npy(dtype, ByteOrder.BIG_ENDIAN, true, SHAPE, w, 2)));
        files.put("npz-deflated", new ZipTestWriter(1).deflated("w.npy",
                NpyTestWriter.npy(dtype, ByteOrder.LITTLE_ENDIAN, false, SHAPE, w, 1)).write(dir.resolve(dtype + "w.npz")));
        files.put("torch", new TorchCheckpointWriter("archive").tensor("w", dtype, SHAPE, w).write(dir.resolve(dtype + "w.bin")));
        files.put("gguf", new GgufTestWriter(3, 32).tensor("w", SHAPE, dtype, TestEncoding.encode(dtype, w))
                .write(dir.resolve(dtype + "w.gguf")));
        files.put("onnx-matmul", new OnnxTestWriter()
                .node("/w/MatMul", "MatMul", new String[] {"x", "onnx::MatMul_1"}, new String[] {"y"}, Map.of())
                .raw("onnx::MatMul_1", onnxType, new long[] {7, 5}, TestEncoding.encode(dtype, transpose(w, 5, 7)))
                .write(dir.resolve(dtype + "w.onnx")));
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> e : files.entrySet()) {
            try (TensorSource s = Checkpoints.open(e.getValue())) {
                String name = s.tensors().get(0).name();
                assertArrayEquals(SHAPE, s.require(name).shape(), e.getKey());
                out.put(e.getKey(), s.readDouble(name));
            }
        }
        return out;
    }

    @Test
    void identicalFloat64ValuesAcrossFormats() throws Exception {
        double[] w = TestEncoding.wave(35, 1.75, 0.3);
        double[] f32 = TestEncoding.roundTrip(DType.F32, w);
        Map<String, double[]> got32 = readAll(DType.F32, w);
        assertEquals(6, got32.size());
        for (Map.Entry<String, double[]> e : got32.entrySet()) {
            assertArrayEquals(f32, e.getValue(), 0.0, "F32 via " + e.getKey());
        }
        double[] f16 = TestEncoding.roundTrip(DType.F16, w);
        for (Map.Entry<String, double[]> e : readAll(DType.F16, w).entrySet()) {
            assertArrayEquals(f16, e.getValue(), 0.0, "F16 via " + e.getKey());
            for (int i = 0; i < w.length; i++) {
                assertEquals(f32[i], e.getValue()[i], Math.abs(f32[i]) * 0x1p-11, "F16 rounding via " + e.getKey());
            }
        }
    }
}
