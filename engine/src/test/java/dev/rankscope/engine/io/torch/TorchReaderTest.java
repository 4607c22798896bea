package dev.rankscope.engine.io.torch;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.PickleBuilder;
import dev.rankscope.engine.testing.TestEncoding;
import dev.rankscope.engine.testing.TorchCheckpointWriter;
import dev.rankscope.engine.testing.TorchCheckpointWriter.Storage;
import dev.rankscope.engine.testing.ZipTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TorchReaderTest {
    @TempDir
    Path dir;

    private static double[] valuesFor(DType t, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (t.kind()) {
                case FLOAT -> Math.cos(i * 0.9) * 2.5;
                case INT -> (i * 53 % 220) - 110;
                case UINT -> i * 53 % 250;
                case BOOL -> i % 2;
                default -> throw new IllegalArgumentException();
            };
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "F64", "U8", "I8", "I16", "I32", "I64", "BOOL"})
    void everyStorageTypeRoundTrips(DType t) throws Exception {
        double[] v = valuesFor(t, 12);
        Path f = new TorchCheckpointWriter("archive").tensor("layer.weight", t, new long[] {3, 4}, v)
                .write(dir.resolve("pytorch_model.bin"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals("pytorch", s.format());
            TensorInfo info = s.require("layer.weight");
            assertEquals(t, info.dtype());
            assertArrayEquals(new long[] {3, 4}, info.shape());
            assertArrayEquals(TestEncoding.roundTrip(t, v), s.readDouble("layer.weight"), 0.0);
            assertEquals("3", s.metadata().get("torch.format_version"));
        }
    }

    @Test
    void viewsHonourStorageOffsetStridesAndSharedStorages() throws Exception {
        double[] base = new double[24];
        for (int i = 0; i < 24; i++) {
            base[i] = i;
        }
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive");
        Storage s = w.storage(DType.F32, base);
        w.view("full", s, 0, new long[] {4, 6}, new long[] {6, 1});          // x
        w.view("transposed", s, 0, new long[] {6, 4}, new long[] {1, 6});    // x.t()
        w.view("slice", s, 7, new long[] {3, 2}, new long[] {6, 2});         // x[1:, 1::2]
        w.view("row", s, 18, new long[] {6}, new long[] {1});               // x[3]
        w.view("scalar", s, 5, new long[] {}, new long[] {});                // x[0, 5]
        Path f = w.write(dir.resolve("views.pt"));
        try (TensorSource src = Checkpoints.open(f)) {
            assertArrayEquals(base, src.readDouble("full"), 0.0);
            double[] t = src.readDouble("transposed");
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(base[j * 6 + i], t[i * 4 + j], 0.0);
                }
            }
            assertArrayEquals(new double[] {7, 9, 11, 13, 15, 17, 19, 21, 23}, concat(src.readDouble("slice")), 0.0);
            assertArrayEquals(new double[] {18, 19, 20, 21, 22, 23}, src.readDouble("row"), 0.0);
            assertArrayEquals(new double[] {5}, src.readDouble("scalar"), 0.0);
            double[] part = new double[5];
            src.readElements("transposed", 3, 5, part, 0); // (0,3),(1,0),(1,1),(1,2),(1,3)
            assertArrayEquals(new double[] {18, 1, 7, 13, 19}, part, 0.0);
        }
    }

    private static double[] concat(double[] slice) {
        // slice is (3, 2) of x[1:, 1::2] = rows 1..3, columns 1,3,5 truncated to 2 columns → 7,9 / 13,15 / 19,21
        return new double[] {slice[0], slice[1], 11, slice[2], slice[3], 17, slice[4], slice[5], 23};
    }

    @Test
    void viewReachingPastItsStorageIsRefused() throws Exception {
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive");
        Storage s = w.storage(DType.F32, new double[6]);
        w.view("bad", s, 2, new long[] {2, 3}, new long[] {3, 1});
        Path f = w.write(dir.resolve("bad.pt"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.BAD_OFFSETS, e.category());
    }

    @Test
    void nestedCheckpointDictsAreFlattenedAndNonTensorLeavesIgnored() throws Exception {
        Path f = new TorchCheckpointWriter("ckpt").tensor("fc.weight", DType.F32, new long[] {2, 2}, new double[] {1, 2, 3, 4})
                .wrapIn("state_dict").write(dir.resolve("trainer.ckpt"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals(List.of("state_dict.fc.weight"), s.tensors().stream().map(TensorInfo::name).toList());
            assertArrayEquals(new double[] {1, 2, 3, 4}, s.readDouble("state_dict.fc.weight"), 0.0);
        }
    }

    @Test
    void recognisedByContentWithAnyExtensionAndArchiveName() throws Exception {
        Path f = new TorchCheckpointWriter("my_model").tensor("w", DType.F16, new long[] {2}, new double[] {0.5, -2})
                .write(dir.resolve("weights.data"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(new double[] {0.5, -2}, s.readDouble("w"), 0.0);
        }
    }

    @Test
    void deflatedStoragesAreInflatedAndReadCorrectly() throws Exception {
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive").tensor("w", DType.F32, new long[] {4}, new double[] {1, 2, 3, 4});
        ZipTestWriter z = new ZipTestWriter(1).stored("archive/data.pkl", w.pickle())
                .deflated("archive/data/0", TestEncoding.encode(DType.F32, new double[] {1, 2, 3, 4}));
        Path f = z.write(dir.resolve("rezipped.bin"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(new double[] {1, 2, 3, 4}, s.readDouble("w"), 0.0);
        }
    }

    @Test
    void zipBombClaimsAreRefused() throws Exception {
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive").tensor("w", DType.F32, new long[] {4}, new double[4]);
        Path f = new ZipTestWriter(1).stored("archive/data.pkl", w.pickle())
                .deflatedClaiming("archive/data/0", new byte[16], 3_000_000_000L).write(dir.resolve("bomb.bin"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.TOO_LARGE, e.category());
    }

    @Test
    void pathTraversalEntryNamesAreUnsafe() throws Exception {
        for (String evil : new String[] {"archive/../../etc/passwd", "/etc/passwd", "archive/data/..", "C:/windows/x"}) {
            TorchCheckpointWriter w = new TorchCheckpointWriter("archive").tensor("w", DType.F32, new long[] {1}, new double[] {1});
            Path f = w.zip().stored(evil, new byte[] {1}).write(dir.resolve("evil.bin"));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f), evil);
            assertEquals(Category.UNSAFE, e.category(), evil);
            assertTrue(e.userMessage().contains("escapes"), e.userMessage());
        }
    }

    @Test
    void legacyPicklesAreUnsupportedWithAReSaveHint() throws Exception {
        // torch < 1.6: pickle of the magic number 0x1950a86a20f9469cfc6c, protocol version, sys info...
        byte[] legacy = new PickleBuilder().proto(2).op(0x8a).op(10)
                .raw(new byte[] {0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19})
                .op('.').toBytes();
        Path f = dir.resolve("old.pth");
        Files.write(f, legacy);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.UNSUPPORTED, e.category());
        assertTrue(e.userMessage().contains("legacy PyTorch format"), e.userMessage());
        assertTrue(e.userMessage().contains("re-save with torch ≥ 1.6"), e.userMessage());
    }

    @Test
    void missingStorageEntryIsReported() throws Exception {
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive").tensor("w", DType.F32, new long[] {2}, new double[2]);
        Path f = new ZipTestWriter(64).stored("archive/data.pkl", w.pickle()).write(dir.resolve("nostorage.bin"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.BAD_OFFSETS, e.category());
    }

    @Test
    void shardedIndexAndPeftAdapterFolders() throws Exception {
        new TorchCheckpointWriter("archive").tensor("a.weight", DType.F32, new long[] {2}, new double[] {1, 2})
                .write(dir.resolve("pytorch_model-00001-of-00002.bin"));
        new TorchCheckpointWriter("archive").tensor("b.weight", DType.BF16, new long[] {2}, new double[] {3, 4})
                .write(dir.resolve("pytorch_model-00002-of-00002.bin"));
        Files.writeString(dir.resolve("pytorch_model.bin.index.json"), "{\"metadata\": {\"total_size\": 12}, \"weight_map\": "
                + "{\"a.weight\": \"pytorch_model-00001-of-00002.bin\", \"b.weight\": \"pytorch_model-00002-of-00002.bin\"}}");
        try (TensorSource s = Checkpoints.open(dir)) {
            assertEquals("pytorch (sharded)", s.format());
            assertEquals("12", s.metadata().get("total_size"));
            assertArrayEquals(new double[] {1, 2}, s.readDouble("a.weight"), 0.0);
            assertArrayEquals(new double[] {3, 4}, s.readDouble("b.weight"), 0.0);
        }
        Path peft = Files.createDirectory(dir.resolve("adapter"));
        new TorchCheckpointWriter("archive")
                .tensor("base_model.model.q_proj.lora_A.weight", DType.F32, new long[] {1, 2}, new double[] {5, 6})
                .write(peft.resolve("adapter_model.bin"));
        try (TensorSource s = Checkpoints.open(peft)) {
            assertArrayEquals(new double[] {5, 6}, s.readDouble("base_model.model.q_proj.lora_A.weight"), 0.0);
        }
    }

    @Test
    void shardIndexPointingOutsideTheFolderIsUnsafe() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("model"));
        new TorchCheckpointWriter("archive").tensor("a", DType.F32, new long[] {1}, new double[] {1}).write(dir.resolve("outside.bin"));
        Files.writeString(sub.resolve("pytorch_model.bin.index.json"), "{\"weight_map\": {\"a\": \"../outside.bin\"}}");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(sub));
        assertEquals(Category.UNSAFE, e.category());
    }

    @Test
    void zip64DirectoriesAreUnderstood() throws Exception {
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive").tensor("w", DType.F64, new long[] {3}, new double[] {1, -2, 3});
        Path f = w.zip().zip64().write(dir.resolve("zip64.bin"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(new double[] {1, -2, 3}, s.readDouble("w"), 0.0);
        }
    }

    @Test
    void bigEndianByteorderRecordIsHonoured() throws Exception {
        double[] v = {1.5, -2.25, 1e9};
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive").tensor("w", DType.F32, new long[] {3}, v);
        Path f = new ZipTestWriter(64).stored("archive/data.pkl", w.pickle())
                .stored("archive/byteorder", "big".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .stored("archive/data/0", TestEncoding.encode(DType.F32, v, java.nio.ByteOrder.BIG_ENDIAN))
                .write(dir.resolve("be.bin"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(v, s.readDouble("w"), 0.0);
        }
    }

    @Test
    void untypedStoragesAndDtypeGlobalsAsTorch2Writes() throws Exception {
        // ('storage', torch.UntypedStorage, '0', 'cpu', 4) viewed as uint8, and ('storage', torch.bfloat16, '1', 'cpu', 2).
        PickleBuilder p = new PickleBuilder().proto(2).emptyDict().mark();
        p.str("bytes").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "UntypedStorage").str("0").str("cpu").integer(4).tuple().binpersid()
                .integer(0).integer(4).tupleN(1).integer(1).tupleN(1).bool(false)
                .global("collections", "OrderedDict").tupleN(0).reduce().tuple().reduce();
        p.str("bf").global("torch._utils", "_rebuild_tensor_v2").mark()
                .mark().str("storage").global("torch", "bfloat16").str("1").str("cuda:0").integer(2).tuple().binpersid()
                .integer(0).integer(2).tupleN(1).integer(1).tupleN(1).bool(true)
                .global("collections", "OrderedDict").tupleN(0).reduce().tuple().reduce();
        p.str("param").global("torch._utils", "_rebuild_parameter").mark()
                .global("torch._utils", "_rebuild_tensor").mark()
                .mark().str("storage").global("torch.storage", "TypedStorage").str("1").str("cpu").integer(2)
                .global("torch", "bfloat16").tuple().binpersid()
                .integer(0).integer(2).tupleN(1).integer(1).tupleN(1).tuple().reduce()
                .bool(true).global("collections", "OrderedDict").tupleN(0).reduce().tuple().reduce();
        p.setitems().stop();
        Path f = new ZipTestWriter(64).stored("archive/data.pkl", p.toBytes())
                .stored("archive/data/0", new byte[] {1, 2, (byte) 200, 4})
                .stored("archive/data/1", TestEncoding.encode(DType.BF16, new double[] {0.5, -3}))
                .write(dir.resolve("torch2.bin"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals(DType.U8, s.require("bytes").dtype());
            assertArrayEquals(new double[] {1, 2, 200, 4}, s.readDouble("bytes"), 0.0);
            assertEquals(DType.BF16, s.require("bf").dtype());
            assertArrayEquals(new double[] {0.5, -3}, s.readDouble("bf"), 0.0);
            assertEquals(DType.BF16, s.require("param").dtype()); // shares storage '1' through TypedStorage + dtype
            assertArrayEquals(new double[] {0.5, -3}, s.readDouble("param"), 0.0);
        }
    }
}
