package dev.rankscope.spark;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HadoopSafetensorsSourceTest {

    @TempDir
    Path dir;

    private Path checkpoint() {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
        w.add("a", DType.BF16, new long[] {3, 5}, sink -> {
            for (int i = 0; i < 15; i++) {
                sink.put(i * 0.25 - 1);
            }
        });
        w.add("b", DType.F32, new long[] {4, 2}, sink -> {
            for (int i = 0; i < 8; i++) {
                sink.put(Math.sqrt(i));
            }
        });
        Path file = dir.resolve("ck").resolve("model.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    @Test
    void readsTheSameElementsAsTheLocalReaderThroughPositionalReads() {
        Path file = checkpoint();
        try (TensorSource local = Checkpoints.open(file);
             HadoopSafetensorsSource hadoop = HadoopSafetensorsSource.open("file://" + dir.resolve("ck"), new Configuration())) {
            assertEquals(dir.resolve("ck"), hadoop.path(), "a folder is the path opened, as the engine has it; file: URIs keep the local path");
            assertEquals(List.of(file), hadoop.files());
            assertEquals(local.tensors(), hadoop.tensors());
            assertEquals(Map.of("format", "pt"), hadoop.metadata());
            for (String t : List.of("a", "b")) {
                assertArrayEquals(local.readDouble(t), hadoop.readDouble(t));
            }
            double[] part = new double[3];
            hadoop.readElements("a", 6, 3, part, 0);
            assertArrayEquals(new double[] {0.5, 0.75, 1.0}, part);
        }
    }

    @Test
    void aShardedFolderReadsAsTheEngineReadsItAndNoticesAShardRewritten() throws Exception {
        Path ck = dir.resolve("sharded");
        dev.rankscope.engine.synth.SyntheticModel.write(ck, new dev.rankscope.engine.synth.SyntheticModel.Parameters(
                new dev.rankscope.engine.synth.ModelShape("mini", 2, 16, 24, 2, 1, 32, false), 3, DType.BF16, 3));
        try (TensorSource local = Checkpoints.open(ck);
             HadoopSafetensorsSource hadoop = HadoopSafetensorsSource.open(ck.toString(), new Configuration())) {
            assertEquals(local.format(), hadoop.format());
            assertEquals("safetensors (sharded, 3 files)", hadoop.format());
            assertEquals(local.files(), hadoop.files(), "the index, then every shard");
            assertEquals(local.tensors(), hadoop.tensors());
            assertEquals(local.metadata(), hadoop.metadata());
            assertEquals(dev.rankscope.engine.io.HeaderDigest.sha256(local), dev.rankscope.engine.io.HeaderDigest.sha256(hadoop));
            for (var t : local.tensors()) {
                assertArrayEquals(local.readDouble(t.name()), hadoop.readDouble(t.name()), t.name());
            }
            assertEquals(hadoop.identity(), hadoop.identityNow());
            // the last shard is rewritten in place: its tensors are refused, the identity differs
            String name = hadoop.tensors().get(hadoop.tensors().size() - 1).name();
            Path shard = hadoop.files().get(hadoop.files().size() - 1);
            Files.setLastModifiedTime(shard, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(shard).toMillis() + 5000));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> hadoop.verifyUnchanged(name));
            assertEquals(CheckpointFormatException.Category.CHANGED, e.category());
            assertTrue(!hadoop.identity().equals(hadoop.identityNow()));
        }
        // an index naming a shard that is not there: one sentence naming the shard
        Files.delete(ck.resolve("model-00002-of-00003.safetensors"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> HadoopSafetensorsSource.open(ck.toString(), new Configuration()));
        assertTrue(e.userMessage().contains("model-00002-of-00003.safetensors") && e.userMessage().contains("missing"), e.userMessage());
    }

    @Test
    void badFilesAndUnreachablePathsAreOneSentenceNamingTheFile() throws Exception {
        Path missing = dir.resolve("nope.safetensors");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> HadoopSafetensorsSource.open(missing.toString(), new Configuration()));
        assertTrue(e.userMessage().contains("nope.safetensors") && e.userMessage().contains("not found"), e.userMessage());

        Path shortFile = dir.resolve("short.safetensors");
        Files.write(shortFile, new byte[] {1, 2, 3});
        e = assertThrows(CheckpointFormatException.class, () -> HadoopSafetensorsSource.open(shortFile.toString(), new Configuration()));
        assertTrue(e.userMessage().contains("too short"), e.userMessage());

        Path truncated = dir.resolve("truncated.safetensors");
        byte[] whole = Files.readAllBytes(checkpoint());
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 4));
        e = assertThrows(CheckpointFormatException.class, () -> HadoopSafetensorsSource.open(truncated.toString(), new Configuration()));
        assertEquals(CheckpointFormatException.Category.TRUNCATED, e.category());

        e = assertThrows(CheckpointFormatException.class,
                () -> HadoopSafetensorsSource.open("nosuchscheme://host/ck/model.safetensors", new Configuration()));
        assertTrue(e.userMessage().contains("cannot be reached") && !e.userMessage().contains("\n"), e.userMessage());

        Configuration noRetry = new Configuration();
        noRetry.set("ipc.client.connect.max.retries", "0");
        noRetry.set("ipc.client.connect.max.retries.on.timeouts", "0");
        noRetry.set("ipc.client.connect.timeout", "2000");
        e = assertThrows(CheckpointFormatException.class,
                () -> HadoopSafetensorsSource.open("hdfs://127.0.0.1:1/ck/model.safetensors", noRetry));
        assertTrue(e.userMessage().contains("cannot be reached") && !e.userMessage().contains("\n"), e.userMessage());
    }
}
