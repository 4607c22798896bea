package dev.rankscope.engine.io.numpy;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.NpyTestWriter;
import dev.rankscope.engine.testing.TestEncoding;
import dev.rankscope.engine.testing.ZipTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NumpyReaderTest {
    @TempDir
    Path dir;

    private static double[] valuesFor(DType t, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (t.kind()) {
                case FLOAT -> Math.sin(i * 0.7) * 3.25;
                case INT -> (i * 37 % 200) - 100;
                case UINT -> i * 37 % 250;
                case BOOL -> i % 3 == 0 ? 1 : 0;
                default -> throw new IllegalArgumentException();
            };
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F16", "F32", "F64", "I8", "I16", "I32", "I64", "U8", "U16", "U32", "U64", "BOOL"})
    void everyDtypeReadsInCOrderInBothByteOrders(DType t) throws Exception {
        long[] shape = {3, 4};
        double[] v = valuesFor(t, 12);
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            Path f = dir.resolve("w_" + order + ".npy");
            Files.write(f, NpyTestWriter.npy(t, order, false, shape, v, 1));
            try (TensorSource s = Checkpoints.open(f)) {
                assertEquals("npy", s.format());
                TensorInfo info = s.require("w_" + order);
                assertEquals(t, info.dtype());
                assertArrayEquals(shape, info.shape());
                assertArrayEquals(TestEncoding.roundTrip(t, v), s.readDouble(info.name()), 0.0);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void headerVersionsOneToThree(int version) throws Exception {
        double[] v = valuesFor(DType.F32, 6);
        Path f = dir.resolve("v.npy");
        Files.write(f, NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {6}, v, version));
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(TestEncoding.roundTrip(DType.F32, v), s.readDouble("v"), 0.0);
        }
    }

    @Test
    void fortranOrderIsReturnedInCOrderIncludingPartialRanges() throws Exception {
        long[] shape = {3, 4, 5};
        double[] c = new double[60];
        for (int i = 0; i < 60; i++) {
            c[i] = i;
        }
        Path f = dir.resolve("f.npy");
        Files.write(f, NpyTestWriter.npy(DType.F64, ByteOrder.BIG_ENDIAN, true, shape, c, 1));
        // The stored bytes are column-major: element (1,0,0) comes second.
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(c, s.readDouble("f"), 0.0);
            double[] part = new double[17];
            s.readElements("f", 7, 17, part, 0);
            for (int i = 0; i < 17; i++) {
                assertEquals(7 + i, part[i], 0.0);
            }
        }
    }

    @Test
    void npzStoredAndDeflatedEntriesNameTensorsAfterEntries() throws Exception {
        double[] a = valuesFor(DType.F32, 8);
        double[] b = valuesFor(DType.F16, 6);
        Path f = dir.resolve("arrays.npz");
        new ZipTestWriter(1)
                .stored("layer.weight.npy", NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {2, 4}, a, 1))
                .deflated("layer.bias.npy", NpyTestWriter.npy(DType.F16, ByteOrder.LITTLE_ENDIAN, true, new long[] {2, 3}, b, 1))
                .write(f);
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals("npz", s.format());
            assertEquals(2, s.tensors().size());
            assertArrayEquals(TestEncoding.roundTrip(DType.F32, a), s.readDouble("layer.weight"), 0.0);
            assertArrayEquals(TestEncoding.roundTrip(DType.F16, b), s.readDouble("layer.bias"), 0.0);
        }
    }

    @Test
    void npzIsRecognisedByContentWithoutTheExtension() throws Exception {
        Path f = dir.resolve("blob.dat");
        new ZipTestWriter(1).stored("x.npy", NpyTestWriter.npy(DType.I32, ByteOrder.LITTLE_ENDIAN, false,
                new long[] {2}, new double[] {5, -6}, 1)).write(f);
        try (TensorSource s = Checkpoints.open(f)) {
            assertArrayEquals(new double[] {5, -6}, s.readDouble("x"), 0.0);
        }
    }

    @Test
    void deflatedEntryClaimingMoreThanDeflateCanProduceIsAZipBomb() throws Exception {
        byte[] npy = NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {4}, new double[4], 1);
        Path f = dir.resolve("bomb.npz");
        new ZipTestWriter(1).deflatedClaiming("x.npy", npy, 3_000_000_000L).write(f);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.TOO_LARGE, e.category());
    }

    @Test
    void deflatedEntryThatInflatesBeyondItsClaimIsRefusedOnRead() throws Exception {
        // Header says 4 floats; the stream actually holds 400 (and the directory claims the header's size).
        byte[] honest = NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {4}, new double[4], 1);
        byte[] big = NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {4}, new double[400], 1);
        Path f = dir.resolve("liar.npz");
        new ZipTestWriter(1).deflatedClaiming("x.npy", big, honest.length).write(f);
        try (TensorSource s = Checkpoints.open(f)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> s.readDouble("x"));
            assertEquals(Category.TOO_LARGE, e.category());
        }
    }

    @Test
    void objectArraysAreRefusedAsUnsafe() throws Exception {
        Path f = dir.resolve("obj.npy");
        Files.write(f, NpyTestWriter.npy("|O", DType.U8, ByteOrder.LITTLE_ENDIAN, false, new long[] {1}, new double[] {0}, 1));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.UNSAFE, e.category());
        assertTrue(e.userMessage().contains("pickle"), e.userMessage());
    }

    @Test
    void malformedHeadersAreReportedNotEvaluated() throws Exception {
        Path f = dir.resolve("bad.npy");
        String dict = "{'descr': __import__('os').system('touch pwned'), 'fortran_order': False, 'shape': (1,), }\n";
        byte[] h = dict.getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[10 + h.length + 4];
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, 0};
        System.arraycopy(magic, 0, bytes, 0, 10);
        System.arraycopy(h, 0, bytes, 10, h.length);
        Files.write(f, bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.MALFORMED_HEADER, e.category());
        assertTrue(Files.notExists(dir.resolve("pwned")));
    }

    @Test
    void truncatedDataIsReported() throws Exception {
        byte[] full = NpyTestWriter.npy(DType.F64, ByteOrder.LITTLE_ENDIAN, false, new long[] {10}, new double[10], 1);
        Path f = dir.resolve("short.npy");
        Files.write(f, java.util.Arrays.copyOf(full, full.length - 8));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.TRUNCATED, e.category());
        assertTrue(e.userMessage().startsWith("short.npy: "), e.userMessage());
    }

    @Test
    void unsupportedDescrNamesTheDtype() throws Exception {
        Path f = dir.resolve("c.npy");
        Files.write(f, NpyTestWriter.npy("<c8", DType.F64, ByteOrder.LITTLE_ENDIAN, false, new long[] {1}, new double[] {0}, 1));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.UNSUPPORTED, e.category());
        assertTrue(e.userMessage().contains("<c8"));
    }
}
