package dev.rankscope.engine.io;

import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsWriterTest {

    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void specExampleIsWrittenWithPaddingToEightBytes() throws Exception {
        Path file = dir.resolve("w.safetensors");
        new SafetensorsWriter().add("w", DType.F32, new long[] {2}, sink -> sink.put(new double[] {1, 2}))
                .write(file, AtomicFileWriter.unprotected());
        byte[] bytes = Files.readAllBytes(file);
        assertEquals(72, bytes.length);
        assertEquals(56, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ",
                new String(bytes, 8, 56, StandardCharsets.UTF_8));
        assertEquals(1f, ByteBuffer.wrap(bytes, 64, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void headerIsAlwaysPaddedToAMultipleOfEight() {
        for (int len = 1; len <= 9; len++) {
            SafetensorsWriter w = new SafetensorsWriter().metadata("k", "x".repeat(len))
                    .add("t", DType.U8, new long[] {0}, sink -> { });
            assertEquals(0, w.header().length % 8);
        }
    }

    @Test
    void metadataComesFirstAndRoundTrips() throws Exception {
        Path file = dir.resolve("m.safetensors");
        new SafetensorsWriter().metadata("format", "pt").metadata("note", "ünïcode ✓")
                .add("a", DType.F16, new long[] {1, 3}, sink -> {
                    sink.put(1);
                    sink.put(new double[] {2, 3}, 0, 2);
                })
                .write(file, AtomicFileWriter.unprotected());
        try (TensorSource s = SafetensorsSource.openFile(file)) {
            assertEquals(List.of("format", "note"), List.copyOf(s.metadata().keySet()));
            assertEquals("ünïcode ✓", s.metadata().get("note"));
            assertArrayEquals(new double[] {1, 2, 3}, s.readDouble("a"));
        }
        assertTrue(new String(Files.readAllBytes(file), 8, 20, StandardCharsets.UTF_8).startsWith("{\"__metadata__\""));
    }

    @Test
    void rawEncodedBytesAreCopied() throws Exception {
        Path file = dir.resolve("raw.safetensors");
        ByteBuffer raw = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80).putShort((short) 0xC000).flip();
        new SafetensorsWriter().add("r", DType.BF16, new long[] {2}, sink -> sink.putEncoded(raw))
                .write(file, AtomicFileWriter.unprotected());
        try (TensorSource s = SafetensorsSource.openFile(file)) {
            assertArrayEquals(new double[] {1, -2}, s.readDouble("r"));
        }
    }

    @Test
    void failingSupplierLeavesNoFileAndNoTemp() throws Exception {
        Path file = dir.resolve("fail.safetensors");
        SafetensorsWriter w = new SafetensorsWriter()
                .add("ok", DType.F32, new long[] {1000}, sink -> sink.put(new double[1000]))
                .add("bad", DType.F32, new long[] {4}, sink -> {
                    sink.put(1);
                    throw new IOException("disk on fire");
                });
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class, () -> w.write(file, AtomicFileWriter.unprotected()));
        assertEquals(CheckpointWriteException.Reason.IO, e.reason());
        assertTrue(e.userMessage().contains("fail.safetensors"));
        assertEquals(List.of(), listing());
    }

    @Test
    void cancellationLeavesTheOldFileUntouchedAndNoTemp() throws Exception {
        Path file = dir.resolve("keep.safetensors");
        Files.writeString(file, "old content");
        SafetensorsWriter w = new SafetensorsWriter()
                .add("a", DType.F32, new long[] {1}, sink -> sink.put(1))
                .add("b", DType.F32, new long[] {1}, sink -> sink.put(2));
        assertThrows(AbstractTask.CancelledException.class, () -> w.write(file, AtomicFileWriter.unprotected(),
                (index, total, tensor) -> {
                    if (index == 1) {
                        throw new AbstractTask.CancelledException();
                    }
                }));
        assertEquals("old content", Files.readString(file));
        assertEquals(List.of(file), listing());
    }

    @Test
    void wrongElementCountsAreBadData() throws Exception {
        Path file = dir.resolve("count.safetensors");
        CheckpointWriteException few = assertThrows(CheckpointWriteException.class, () -> new SafetensorsWriter()
                .add("t", DType.F32, new long[] {2, 2}, sink -> sink.put(new double[3]))
                .write(file, AtomicFileWriter.unprotected()));
        assertEquals(CheckpointWriteException.Reason.BAD_DATA, few.reason());
        assertTrue(few.getMessage().contains("3 of the 4"), few.getMessage());
        CheckpointWriteException many = assertThrows(CheckpointWriteException.class, () -> new SafetensorsWriter()
                .add("t", DType.F32, new long[] {2}, sink -> sink.put(new double[3]))
                .write(file, AtomicFileWriter.unprotected()));
        assertEquals(CheckpointWriteException.Reason.BAD_DATA, many.reason());
        assertEquals(List.of(), listing());
    }

    @Test
    void protectedInputsAreNeverOverwritten() throws Exception {
        Path input = dir.resolve("model.safetensors");
        Files.writeString(input, "precious");
        AtomicFileWriter files = new AtomicFileWriter(List.of(input));
        SafetensorsWriter w = new SafetensorsWriter().add("t", DType.U8, new long[] {1}, sink -> sink.put(1));
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                () -> w.write(dir.resolve("sub/../model.safetensors"), files));
        assertEquals(CheckpointWriteException.Reason.REFUSED, e.reason());
        Path link = Files.createSymbolicLink(dir.resolve("alias.safetensors"), input);
        assertThrows(CheckpointWriteException.class, () -> w.write(link, files));
        assertEquals("precious", Files.readString(input));
        w.write(dir.resolve("other.safetensors"), files);
        assertTrue(Files.exists(dir.resolve("other.safetensors")));
    }

    @Test
    void declarationsAreValidated() {
        SafetensorsWriter w = new SafetensorsWriter().add("t", DType.F32, new long[] {1}, sink -> sink.put(0));
        assertThrows(IllegalArgumentException.class, () -> w.add("t", DType.F32, new long[] {1}, sink -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", DType.F32, new long[] {1}, sink -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.add("n", DType.F32, new long[] {-1}, sink -> { }));
        assertThrows(IllegalArgumentException.class, () -> w.add("q", DType.Q4_0, new long[] {32}, sink -> { }));
        assertThrows(ArithmeticException.class, () -> w.add("o", DType.F32, new long[] {1L << 40, 1L << 40}, sink -> { }));
    }

    @Test
    void shardedWriteSplitsContiguouslyAndWritesTheIndexLast() throws Exception {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        for (int i = 0; i < 5; i++) {
            double v = i;
            w.add("t" + i, DType.F32, new long[] {10}, sink -> sink.put(new double[] {v, v, v, v, v, v, v, v, v, v}));
        }
        SafetensorsIndex index = w.writeSharded(dir, 3, AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors"), index.shardNames());
        assertEquals("200", index.metadata().get("total_size"));
        try (TensorSource s = SafetensorsSource.open(dir)) {
            assertEquals("safetensors (sharded, 3 files)", s.format());
            assertEquals(List.of("t0", "t1", "t2", "t3", "t4"), s.tensors().stream().map(t -> t.name()).toList());
            assertEquals(3.0, s.readDouble("t3")[9]);
            assertEquals("pt", s.metadata().get("format"));
            assertEquals("200", s.metadata().get("total_size"));
        }
        assertThrows(IllegalArgumentException.class,
                () -> w.writeSharded(dir.resolve("x"), 6, AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE));
        assertFalse(Files.exists(dir.resolve("x")));
    }
}
