package dev.rankscope.tests.hostile;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.CheckpointWriteException;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.tests.hostile.gen.Bytes;
import dev.rankscope.tests.hostile.gen.SafetensorsBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8, writes: every export goes to a temporary file in the target folder and is moved into
 * place atomically; a failed or cancelled write leaves neither a partial target nor a temporary
 * file; the checkpoint being read is never overwritten, whatever path spelling reaches it.
 */
class AtomicWriteTest {

    @Test
    void failureMidWriteLeavesNoPartialFileAndNoTemp(@TempDir Path dir) {
        Path target = dir.resolve("plan.json");
        IOException boom = new IOException("disk full (simulated)");
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class, () ->
                AtomicFileWriter.unprotected().write(target, ch -> {
                    ch.write(ByteBuffer.wrap(new byte[4096]));
                    throw boom;
                }));
        assertEquals(CheckpointWriteException.Reason.IO, e.reason());
        assertTrue(e.userMessage().contains("plan.json"), e.userMessage());
        assertEquals(List.of(), list(dir), "no target and no temporary file may remain");
    }

    @Test
    void cancellationMidWriteKeepsThePreviousContent(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("plan.csv");
        Files.writeString(target, "old content");
        RuntimeException cancelled = new IllegalStateException("cancelled (simulated task cancellation)");
        RuntimeException thrown = assertThrows(RuntimeException.class, () ->
                AtomicFileWriter.unprotected().write(target, ch -> {
                    ch.write(ByteBuffer.wrap("new, half-written".getBytes()));
                    throw cancelled;
                }));
        assertEquals(cancelled, thrown, "the body's own exception propagates unchanged");
        assertEquals("old content", Files.readString(target));
        assertEquals(List.of(target), list(dir));
    }

    @Test
    void cancelledSafetensorsExportLeavesNothing(@TempDir Path dir) {
        Path target = dir.resolve("factorised.safetensors");
        SafetensorsWriter w = new SafetensorsWriter()
                .add("a", DType.F32, new long[] {64, 64}, sink -> sink.put(new double[64 * 64]))
                .add("b", DType.F32, new long[] {64, 64}, sink -> sink.put(new double[64 * 64]));
        RuntimeException cancel = new IllegalStateException("cancelled");
        assertThrows(IllegalStateException.class, () -> w.write(target, AtomicFileWriter.unprotected(),
                (index, total, tensor) -> {
                    if (index == 1) {
                        throw cancel;
                    }
                }));
        assertEquals(List.of(), list(dir));
    }

    @Test
    void refusesToOverwriteTheCheckpointBeingRead(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("model.safetensors");
        byte[] original = SafetensorsBytes.small();
        Files.write(input, original);
        Path link = Files.createSymbolicLink(dir.resolve("alias.safetensors"), input);
        Path hardLink = Files.createLink(dir.resolve("hard.safetensors"), input);
        try (TensorSource source = Checkpoints.open(input)) {
            AtomicFileWriter writer = new AtomicFileWriter(source.files());
            for (Path spelling : List.of(input, dir.resolve(".").resolve("model.safetensors"),
                    dir.resolve("sub/../model.safetensors"), link, hardLink)) {
                CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                        () -> writer.writeBytes(spelling, new byte[] {1, 2, 3}), spelling.toString());
                assertEquals(CheckpointWriteException.Reason.REFUSED, e.reason(), spelling.toString());
                assertTrue(e.userMessage().contains(spelling.getFileName().toString()), e.userMessage());
            }
            Probe.listRead(source);
        }
        assertArrayEquals(original, Files.readAllBytes(input), "the input must be untouched");
        assertFalse(list(dir).stream().anyMatch(p -> p.getFileName().toString().contains("tmp")));
    }

    @Test
    void refusesToOverwriteAnyShardOfAShardedCheckpoint(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), FuzzSeeds.SHARD_1);
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), FuzzSeeds.SHARD_2);
        Files.writeString(dir.resolve("model.safetensors.index.json"), new String(
                FuzzSeeds.generate().get("safetensorsIndex").get("index-two-shards"), java.nio.charset.StandardCharsets.UTF_8));
        try (TensorSource source = Checkpoints.open(dir)) {
            assertEquals(List.of(dir.resolve("model.safetensors.index.json"), dir.resolve("model-00001-of-00002.safetensors"),
                    dir.resolve("model-00002-of-00002.safetensors")), source.files(), "the index is an input too");
            AtomicFileWriter writer = new AtomicFileWriter(source.files());
            assertThrows(CheckpointWriteException.class,
                    () -> writer.writeBytes(dir.resolve("model-00002-of-00002.safetensors"), new byte[0]));
            assertThrows(CheckpointWriteException.class,
                    () -> writer.writeBytes(dir.resolve("model.safetensors.index.json"), new byte[0]));
            assertThrows(CheckpointWriteException.class, () -> writer.writeBytes(dir, new byte[0]),
                    "a folder is never a write target");
        }
        assertArrayEquals(FuzzSeeds.SHARD_2, Files.readAllBytes(dir.resolve("model-00002-of-00002.safetensors")));
    }

    @Test
    void refusesToWriteIntoAFolderCheckpoint(@TempDir Path dir) throws IOException {
        Path model = Files.createDirectory(dir.resolve("model"));
        Files.write(model.resolve("model-00001-of-00002.safetensors"), FuzzSeeds.SHARD_1);
        Files.write(model.resolve("model-00002-of-00002.safetensors"), FuzzSeeds.SHARD_2);
        Files.write(model.resolve("model.safetensors.index.json"),
                FuzzSeeds.generate().get("safetensorsIndex").get("index-two-shards"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), model);
        try (TensorSource source = Checkpoints.open(model)) {
            // What an exporter protects: the path the user opened (ExportFiles uses the plan's source path).
            AtomicFileWriter writer = new AtomicFileWriter(List.of(source.path()));
            for (Path target : List.of(model.resolve("model.safetensors.index.json"),
                    model.resolve("model-00001-of-00002.safetensors"), model.resolve("plan.json"),
                    model.resolve("sub/factorised.safetensors"), alias.resolve("model.safetensors.index.json"))) {
                CheckpointWriteException e = assertThrows(CheckpointWriteException.class,
                        () -> writer.writeBytes(target, "{}".getBytes()), target.toString());
                assertEquals(CheckpointWriteException.Reason.REFUSED, e.reason(), target.toString());
            }
            writer.writeBytes(dir.resolve("plan.json"), "{}".getBytes()); // next to the folder is fine
            Probe.listRead(source);
        }
        assertArrayEquals(FuzzSeeds.SHARD_1, Files.readAllBytes(model.resolve("model-00001-of-00002.safetensors")));
        assertEquals(3, list(model).size(), "nothing was added to the checkpoint folder");
    }

    @Test
    void successfulExportIsCompleteAndReadable(@TempDir Path dir) {
        Path target = dir.resolve("out.safetensors");
        float[] v = Bytes.ramp(12);
        double[] d = new double[12];
        for (int i = 0; i < 12; i++) {
            d[i] = v[i];
        }
        new SafetensorsWriter().add("w", DType.F32, new long[] {3, 4}, sink -> sink.put(d))
                .write(target, AtomicFileWriter.unprotected());
        assertEquals(List.of(target), list(dir));
        try (TensorSource s = Checkpoints.open(target)) {
            assertArrayEquals(d, s.readDouble("w"));
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
