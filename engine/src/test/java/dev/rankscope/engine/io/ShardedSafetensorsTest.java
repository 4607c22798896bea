package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.rankscope.engine.testing.SafetensorsFixtures.entry;
import static dev.rankscope.engine.testing.SafetensorsFixtures.f32;
import static dev.rankscope.engine.testing.SafetensorsFixtures.header;
import static dev.rankscope.engine.testing.SafetensorsFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sharded safetensors (SPEC §6): opened via the index, via any shard, and via the folder. */
class ShardedSafetensorsTest {

    @TempDir
    Path dir;
    Path model;

    private static final String S1 = "model-00001-of-00002.safetensors";
    private static final String S2 = "model-00002-of-00002.safetensors";

    @BeforeEach
    void twoShards() {
        model = dir.resolve("model");
        write(model.resolve(S1), header(entry("a", "F32", new long[] {2}, 0, 8), entry("b", "F32", new long[] {1}, 8, 12)),
                f32(1, 2, 3));
        write(model.resolve(S2), "{\"__metadata__\":{\"format\":\"pt\"}," + entry("c", "F32", new long[] {2}, 0, 8) + "}",
                f32(4, 5));
        writeIndex("{\"a\":\"" + S1 + "\",\"c\":\"" + S2 + "\",\"b\":\"" + S1 + "\"}");
    }

    private void writeIndex(String weightMap) {
        write(model.resolve("model.safetensors.index.json"),
                ("{\"metadata\":{\"total_size\":20},\"weight_map\":" + weightMap + "}").getBytes());
    }

    private void assertWholeModel(TensorSource s, Path opened) {
        assertEquals(opened, s.path());
        assertEquals("safetensors (sharded, 2 files)", s.format());
        assertEquals(List.of("a", "b", "c"), s.tensors().stream().map(t -> t.name()).toList());
        assertArrayEquals(new double[] {4, 5}, s.readDouble("c"));
        assertArrayEquals(new double[] {1, 2}, s.readDouble("a"));
        assertEquals("20", s.metadata().get("total_size"));
        assertEquals("pt", s.metadata().get("format"));
    }

    @Test
    void opensViaIndex() {
        Path index = model.resolve("model.safetensors.index.json");
        try (TensorSource s = Checkpoints.open(index)) {
            assertWholeModel(s, index);
        }
    }

    @Test
    void opensViaAnyShard() {
        for (String shard : List.of(S1, S2)) {
            try (TensorSource s = Checkpoints.open(model.resolve(shard))) {
                assertWholeModel(s, model.resolve(shard));
            }
        }
    }

    @Test
    void opensViaFolder() {
        try (TensorSource s = Checkpoints.open(model)) {
            assertWholeModel(s, model);
        }
    }

    @Test
    void shardOfAnotherIndexOpensAlone() {
        Path lone = write(model.resolve("extra.safetensors"), header(entry("x", "I8", new long[] {1}, 0, 1)), new byte[] {7});
        try (SafetensorsSource s = SafetensorsSource.open(lone)) {
            assertEquals("safetensors", s.format());
            assertEquals(DType.I8, s.require("x").dtype());
        }
    }

    @Test
    void missingShardIsNamed() throws Exception {
        Files.delete(model.resolve(S2));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.IO, e.category());
        assertTrue(e.userMessage().contains(S2) && e.userMessage().contains("missing"), e.userMessage());
    }

    @Test
    void tensorMissingFromItsShardIsNamed() {
        writeIndex("{\"a\":\"" + S1 + "\",\"c\":\"" + S2 + "\",\"zz\":\"" + S2 + "\"}");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.MALFORMED_HEADER, e.category());
        assertTrue(e.userMessage().startsWith(S2 + ":") && e.userMessage().contains("'zz'"), e.userMessage());
    }

    @Test
    void invalidShardIsReportedWithItsName() {
        write(model.resolve(S2), header(entry("c", "F32", new long[] {2}, 0, 8)), f32(4));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.TRUNCATED, e.category());
        assertTrue(e.userMessage().startsWith(S2 + ":"));
    }

    @Test
    void tensorInTwoShardsIsDuplicate() {
        write(model.resolve(S2), header(entry("c", "F32", new long[] {1}, 0, 4), entry("a", "F32", new long[] {1}, 4, 8)),
                f32(4, 5));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.DUPLICATE_NAME, e.category());
    }

    @Test
    void shardNamesEscapingTheFolderAreUnsafe() {
        for (String bad : List.of("../" + S1, "/etc/passwd", "sub/../../x.safetensors", "..\\\\x.safetensors", "C:\\\\x")) {
            writeIndex("{\"a\":\"" + bad + "\"}");
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> Checkpoints.open(model.resolve("model.safetensors.index.json")), bad);
            assertEquals(Category.UNSAFE, e.category(), bad);
            assertTrue(e.userMessage().startsWith("model.safetensors.index.json:"));
        }
    }

    @Test
    void malformedIndexIsReported() {
        writeIndex("[]");
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.MALFORMED_HEADER, e.category());
        writeIndex("{\"a\":\"" + S1 + "\",\"a\":\"" + S1 + "\"}");
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.DUPLICATE_NAME, e.category());
        writeIndex("{}");
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(model));
        assertEquals(Category.MALFORMED_HEADER, e.category());
        assertTrue(e.getMessage().contains("weight_map"));
    }

    @Test
    void prefetchIsAHintThatNeverFailsAndNeverChangesWhatIsRead() throws Exception {
        try (TensorSource s = Checkpoints.open(model)) {
            s.prefetch("c");
            s.prefetch("a");
            s.prefetch("no such tensor");
            assertArrayEquals(new double[] {4, 5}, s.readDouble("c"));
            Files.delete(model.resolve(S1));
            s.prefetch("a");                                  // the missing shard: silently nothing
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> s.verifyUnchanged("b"));
            assertEquals(Category.CHANGED, e.category());      // the run's own check names the problem
        }
    }
}
