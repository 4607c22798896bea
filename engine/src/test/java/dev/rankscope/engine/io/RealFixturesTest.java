package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.TorchCheckpointWriter;
import dev.rankscope.engine.testing.TorchCheckpointWriter.Storage;
import org.junit.jupiter.api.Test;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files written by the real producers (torch 1.13 {@code torch.save}, numpy 1.24, the torch ONNX
 * exporter, gguf-py 0.19), committed under {@code src/test/resources/real/} with the script that
 * made them ({@code make_real.py}). Every expected value below is the formula the script used.
 */
class RealFixturesTest {

    private static Path real(String name) throws URISyntaxException {
        return Path.of(RealFixturesTest.class.getResource("/real/" + name).toURI());
    }

    /** fc.weight[i] = (i − 12)/8, shape (4, 6). */
    private static double w(int row, int col) {
        return (row * 6 + col - 12) / 8.0;
    }

    private static double[] weight() {
        double[] v = new double[24];
        for (int i = 0; i < 24; i++) {
            v[i] = (i - 12) / 8.0;
        }
        return v;
    }

    @Test
    void torchSaveStateDictEveryDtypeAndViews() throws Exception {
        try (TensorSource s = Checkpoints.open(real("torch_state.bin"))) {
            assertEquals("pytorch", s.format());
            assertEquals("torch_state", s.metadata().get("torch.archive"));
            assertArrayEquals(weight(), s.readDouble("fc.weight"), 0.0);
            assertEquals(DType.F32, s.require("fc.weight").dtype());
            double[] half = new double[12];
            for (int i = 0; i < 12; i++) {
                half[i] = (i - 6) / 4.0;
            }
            assertEquals(DType.F16, s.require("fc.half").dtype());
            assertArrayEquals(half, s.readDouble("fc.half"), 0.0);
            assertEquals(DType.BF16, s.require("fc.bf16").dtype());
            assertArrayEquals(new double[] {-1.5, -1, -0.5, 0, 0.5, 1}, s.readDouble("fc.bf16"), 0.0);
            assertArrayEquals(new double[] {Math.PI, Math.E, -1.0 / 3, 1e-300}, s.readDouble("fc.double"), 0.0);
            assertArrayEquals(new double[] {-128, -1, 0, 1, 127}, s.readDouble("fc.int8"), 0.0);
            assertArrayEquals(new double[] {0, 7, 255}, s.readDouble("fc.uint8"), 0.0);
            assertArrayEquals(new double[] {-32768, 12345}, s.readDouble("fc.int16"), 0.0);
            assertArrayEquals(new double[] {Integer.MIN_VALUE, Integer.MAX_VALUE}, s.readDouble("fc.int32"), 0.0);
            assertArrayEquals(new double[] {-(1L << 40), 0, 1L << 40}, s.readDouble("fc.int64"), 0.0);
            assertArrayEquals(new double[] {1, 0, 1, 1}, s.readDouble("fc.bool"), 0.0);
            assertEquals(DType.BOOL, s.require("fc.bool").dtype());

            assertArrayEquals(new long[] {6, 4}, s.require("view.t").shape());
            double[] t = s.readDouble("view.t");
            double[] slice = s.readDouble("view.slice");
            double[] every = s.readDouble("view.every_other");
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(w(j, i), t[i * 4 + j], 0.0);
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(w(1 + i, 2 + j), slice[i * 3 + j], 0.0);
                }
            }
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(w(i, 2 * j), every[i * 3 + j], 0.0);
                }
            }
            assertArrayEquals(new double[] {w(0, 0), w(0, 1), w(0, 2), w(0, 3), w(0, 4), w(0, 5)}, s.readDouble("param"), 0.0);
        }
    }

    @Test
    void torchStoragesAreStoredAnd64ByteAligned() throws Exception {
        ZipArchive zip = ZipArchive.open(real("torch_state.bin"));
        int storages = 0;
        for (ZipArchive.Entry e : zip.entries().values()) {
            assertTrue(e.isStored(), e.name());
            if (e.name().startsWith("torch_state/data/")) {
                assertEquals(0, e.dataOffset() % 64, e.name());
                storages++;
            }
        }
        assertEquals(11, storages);
    }

    @Test
    void testWriterReproducesTorchSavePickleByteForByte() throws Exception {
        // archive.bin = torch.save(OrderedDict(a=tensor([1., 2.]), b=arange(6.).reshape(2, 3).t()))
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive").plainOrderedDict();
        w.tensor("a", DType.F32, new long[] {2}, new double[] {1, 2});
        Storage base = w.storage(DType.F32, new double[] {0, 1, 2, 3, 4, 5});
        w.view("b", base, 0, new long[] {3, 2}, new long[] {1, 3});
        ZipArchive zip = ZipArchive.open(real("archive.bin"));
        byte[] realPickle = zip.readBytes(zip.entries().get("archive/data.pkl"), 1 << 20);
        assertArrayEquals(realPickle, w.pickle());
        try (TensorSource s = Checkpoints.open(real("archive.bin"))) {
            assertArrayEquals(new double[] {0, 3, 1, 4, 2, 5}, s.readDouble("b"), 0.0);
        }
    }

    @Test
    void torchTrainingCheckpointAndLegacyFile() throws Exception {
        try (TensorSource s = Checkpoints.open(real("torch_nested.pt"))) {
            assertEquals(List.of("state_dict.weight", "state_dict.bias"), s.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, s.readDouble("state_dict.weight"), 0.0);
            assertArrayEquals(new double[] {0.5, -0.5}, s.readDouble("state_dict.bias"), 0.0);
        }
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(real("torch_legacy.pt")));
        assertEquals(Category.UNSUPPORTED, e.category());
        assertTrue(e.userMessage().contains("legacy PyTorch format"));
    }

    @Test
    void numpySaveAndSavez() throws Exception {
        try (TensorSource s = Checkpoints.open(real("np_c.npy"))) {
            assertArrayEquals(weight(), s.readDouble("np_c"), 0.0);
        }
        try (TensorSource s = Checkpoints.open(real("np_fortran.npy"))) {
            assertEquals(DType.F64, s.require("np_fortran").dtype());
            assertArrayEquals(weight(), s.readDouble("np_fortran"), 0.0);
        }
        try (TensorSource s = Checkpoints.open(real("np_big.npy"))) {
            assertArrayEquals(weight(), s.readDouble("np_big"), 0.0);
        }
        try (TensorSource s = Checkpoints.open(real("np_arrays.npz"))) {
            assertEquals(DType.F16, s.require("weight").dtype());
            assertArrayEquals(weight(), s.readDouble("weight"), 0.0);
            assertArrayEquals(new double[] {-3, 0, 9}, s.readDouble("ints"), 0.0);
            assertArrayEquals(new double[] {1, 0}, s.readDouble("flags"), 0.0);
            assertArrayEquals(new double[] {1, 65535}, s.readDouble("u16"), 0.0);
        }
        try (TensorSource s = Checkpoints.open(real("np_compressed.npz"))) {
            assertArrayEquals(weight(), s.readDouble("weight"), 0.0);
            assertArrayEquals(weight(), s.readDouble("fortran"), 0.0);
        }
    }

    @Test
    void onnxExportRecoversNamesAndOrientation() throws Exception {
        try (TensorSource s = Checkpoints.open(real("tiny.onnx"))) {
            TensorInfo q = s.require("model.layers.0.self_attn.q_proj.weight");
            assertArrayEquals(new long[] {4, 6}, q.shape());
            assertArrayEquals(weight(), s.readDouble(q.name()), 0.0);
            double[] head = new double[12];
            for (int i = 0; i < 12; i++) {
                head[i] = i / 4.0;
            }
            assertArrayEquals(new long[] {3, 4}, s.require("head.weight").shape());
            assertArrayEquals(head, s.readDouble("head.weight"), 0.0);
            assertArrayEquals(new double[] {1, 2, 3}, s.readDouble("head.bias"), 0.0);
            assertEquals("onnx::MatMul_9", s.metadata().get("onnx.source_name.model.layers.0.self_attn.q_proj.weight"));
        }
    }

    @Test
    void ggufFromGgufPyEveryTypeMatchesItsIndependentDequantisation() throws Exception {
        try (TensorSource s = Checkpoints.open(real("real.gguf"))) {
            assertEquals("rankscope-real", s.metadata().get("general.name"));
            assertEquals("[string array of 42 items]", s.metadata().get("tokenizer.ggml.tokens"));
            double[] f32 = s.readDouble("f32");
            assertArrayEquals(new long[] {2, 32}, s.require("f32").shape());
            for (int i = 0; i < 64; i++) {
                assertEquals((float) Math.sin(i * 0.37f), f32[i], 1e-6);
            }
            double[] f16 = s.readDouble("f16");
            for (int i = 0; i < 64; i++) {
                assertEquals(f32[i], f16[i], Math.abs(f32[i]) * 0x1p-11 + 1e-7);
            }
            for (String t : new String[] {"q8_0", "q4_0", "q4_1", "q5_0", "q5_1", "q2_k", "q3_k", "q4_k", "q5_k", "q6_k"}) {
                TensorInfo info = s.require(t);
                assertTrue(info.dtype().isQuantized(), t);
                double[] expected = s.readDouble(t + ".expected");
                double[] got = s.readDouble(t);
                assertEquals(expected.length, got.length, t);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(expected[i], got[i], 0.0, t + "[" + i + "]");
                }
            }
        }
    }
}
