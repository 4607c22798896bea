package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rankscope.engine.testing.SafetensorsFixtures.bytes;
import static dev.rankscope.engine.testing.SafetensorsFixtures.concat;
import static dev.rankscope.engine.testing.SafetensorsFixtures.entry;
import static dev.rankscope.engine.testing.SafetensorsFixtures.f32;
import static dev.rankscope.engine.testing.SafetensorsFixtures.header;
import static dev.rankscope.engine.testing.SafetensorsFixtures.write;
import static dev.rankscope.engine.testing.SafetensorsFixtures.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SPEC §6 safetensors validation: one test per rule, each asserting the category and the file name. */
class SafetensorsValidationTest {

    @TempDir
    Path dir;

    private static final String W = entry("w", "F32", new long[] {2}, 0, 8);

    private void expect(Category category, byte[] content, String... fragments) {
        Path file = write(dir.resolve("bad-" + category.name().toLowerCase() + ".safetensors"), content);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafetensorsSource.openFile(file));
        assertEquals(category, e.category(), e.getMessage());
        assertTrue(e.userMessage().contains(file.getFileName().toString()), e.userMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' lacks '" + f + "'");
        }
        assertEquals(file, e.file());
    }

    @Test
    void specExampleReadsWithTwoSpacesOfPadding() throws Exception {
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        assertEquals(54, h.getBytes(StandardCharsets.UTF_8).length);
        Path file = write(dir.resolve("spec.safetensors"), h + "  ", f32(1.5f, -2f));
        assertEquals(72, Files.size(file));
        try (SafetensorsSource s = SafetensorsSource.openFile(file)) {
            assertEquals(56, s.headers().get(0).headerLength());
            assertEquals("safetensors", s.format());
            assertEquals(DType.F32, s.require("w").dtype());
            assertArrayEquals(new double[] {1.5, -2}, s.readDouble("w"));
        }
    }

    @Test
    void fileShorterThanLengthFieldIsTruncated() {
        expect(Category.TRUNCATED, new byte[] {1, 2, 3}, "too short");
    }

    @Test
    void headerLengthOverLimitIsTooLarge() {
        expect(Category.TOO_LARGE, bytes(100_000_001L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "100,000,001 bytes");
    }

    @Test
    void headerLengthWithTopBitSetIsTooLarge() {
        expect(Category.TOO_LARGE, bytes(-1L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "18,446,744,073,709,551,615 bytes");
    }

    @Test
    void headerLengthBeyondFileIsTruncated() {
        expect(Category.TRUNCATED, bytes(500, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]), "exceeds the file size");
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] h = "{\"w\u00FF\":{}}".getBytes(StandardCharsets.ISO_8859_1);
        expect(Category.MALFORMED_HEADER, bytes(h.length, h, new byte[0]), "UTF-8");
    }

    @Test
    void headerNotStartingWithBraceIsMalformed() {
        expect(Category.MALFORMED_HEADER, bytes(" " + header(W), f32(1, 2)), "'{'");
    }

    @Test
    void brokenJsonIsMalformed() {
        expect(Category.MALFORMED_HEADER, bytes("{\"w\":{\"dtype\":\"F32\",", new byte[0]), "JSON");
    }

    @Test
    void contentAfterTheObjectIsMalformed() {
        expect(Category.MALFORMED_HEADER, bytes(header(W) + " {}", f32(1, 2)), "follows");
        expect(Category.MALFORMED_HEADER, bytes(header(W) + "\0\0", f32(1, 2)));
    }

    @Test
    void trailingWhitespaceIsAccepted() throws Exception {
        Path file = write(dir.resolve("ws.safetensors"), header(W) + "   \n ", f32(1, 2));
        try (TensorSource s = SafetensorsSource.openFile(file)) {
            assertArrayEquals(new double[] {1, 2}, s.readDouble("w"));
        }
    }

    @Test
    void deepNestingIsTooLarge() {
        String deep = "[".repeat(200) + "]".repeat(200);
        String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":" + deep + "}}";
        expect(Category.TOO_LARGE, bytes(h, f32(1, 2)), "limit");
    }

    @Test
    void tooManyEntriesIsTooLarge() {
        Path file = dir.resolve("many.safetensors");
        String h = header(entry("a", "U8", new long[] {0}, 0, 0), entry("b", "U8", new long[] {0}, 0, 0),
                entry("c", "U8", new long[] {0}, 0, 0));
        byte[] json = h.getBytes(StandardCharsets.UTF_8);
        assertEquals(3, SafetensorsHeader.parse(file, json, 8 + json.length, 3).entries().size());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> SafetensorsHeader.parse(file, json, 8 + json.length, 2));
        assertEquals(Category.TOO_LARGE, e.category());
        assertTrue(e.userMessage().startsWith("many.safetensors:") && e.getMessage().contains("more than 2 tensors"));
    }

    @Test
    void tooManyDimensionsIsTooLarge() {
        long[] shape = new long[100];
        java.util.Arrays.fill(shape, 1);
        shape[0] = 2;
        expect(Category.TOO_LARGE, bytes(header(entry("w", "F32", shape, 0, 8)), f32(1, 2)), "'w'");
    }

    @Test
    void duplicateTensorNameIsDetected() {
        String h = header(W, entry("w", "F32", new long[] {2}, 8, 16));
        expect(Category.DUPLICATE_NAME, bytes(h, f32(1, 2, 3, 4)), "'w'");
    }

    @Test
    void unknownDtypeIsUnsupportedAndNamed() {
        expect(Category.UNSUPPORTED, bytes(header(entry("w", "F4_E2M1", new long[] {2}, 0, 1)), new byte[1]), "F4_E2M1");
        expect(Category.UNSUPPORTED, bytes(header(entry("w", "Q4_0", new long[] {32}, 0, 18)), new byte[18]), "Q4_0");
    }

    @Test
    void negativeDimensionIsSizeMismatch() {
        expect(Category.SIZE_MISMATCH, bytes(header(entry("w", "F32", new long[] {-2}, 0, 8)), f32(1, 2)), "negative");
    }

    @Test
    void overflowingShapeIsSizeMismatch() {
        long big = 1L << 32;
        expect(Category.SIZE_MISMATCH, bytes(header(entry("w", "F32", new long[] {big, big}, 0, 8)), f32(1, 2)), "64 bits");
        expect(Category.SIZE_MISMATCH, bytes(header(entry("w", "F64", new long[] {1L << 61}, 0, 8)), f32(1, 2)), "64 bits");
        expect(Category.SIZE_MISMATCH, bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}",
                f32(1, 2)), "64 bits");
    }

    @Test
    void nonIntegerShapeIsMalformed() {
        expect(Category.MALFORMED_HEADER, bytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", f32(1, 2)));
    }

    @Test
    void missingFieldIsMalformed() {
        expect(Category.MALFORMED_HEADER, bytes("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", f32(1, 2)), "'shape'");
    }

    @Test
    void beginAfterEndIsBadOffsets() {
        expect(Category.BAD_OFFSETS, bytes(header(entry("w", "F32", new long[] {0}, 8, 0)), f32(1, 2)), "end before");
    }

    @Test
    void offsetsSpanDisagreeingWithShapeIsSizeMismatch() {
        expect(Category.SIZE_MISMATCH, bytes(header(entry("w", "F32", new long[] {3}, 0, 8)), f32(1, 2)), "12 bytes");
    }

    @Test
    void holeBetweenTensorsIsBadOffsets() {
        String h = header(W, entry("v", "F32", new long[] {1}, 12, 16));
        expect(Category.BAD_OFFSETS, bytes(h, f32(1, 2, 3, 4)), "hole");
    }

    @Test
    void overlappingTensorsAreBadOffsets() {
        String h = header(W, entry("v", "F32", new long[] {2}, 4, 12));
        expect(Category.BAD_OFFSETS, bytes(h, f32(1, 2, 3)), "overlap");
    }

    @Test
    void dataNotStartingAtZeroIsBadOffsets() {
        expect(Category.BAD_OFFSETS, bytes(header(entry("w", "F32", new long[] {1}, 4, 8)), f32(1, 2)), "'w'");
    }

    @Test
    void missingDataIsTruncated() {
        expect(Category.TRUNCATED, bytes(header(W), f32(1)), "truncated");
    }

    @Test
    void trailingBytesAreBadOffsets() {
        expect(Category.BAD_OFFSETS, bytes(header(W), concat(f32(1, 2), zeros(3))), "trail");
    }

    @Test
    void nonStringMetadataIsMalformed() {
        expect(Category.MALFORMED_HEADER, bytes("{\"__metadata__\":{\"a\":1}," + W + "}", f32(1, 2)), "'a'");
        expect(Category.MALFORMED_HEADER, bytes("{\"__metadata__\":[]," + W + "}", f32(1, 2)), "__metadata__");
    }

    @Test
    void metadataAndZeroSizedTensorsAreRead() throws Exception {
        String h = "{\"__metadata__\":{\"format\":\"pt\"}," + entry("empty", "F32", new long[] {0, 4}, 0, 0) + ","
                + entry("w", "BF16", new long[] {2}, 0, 4) + "," + entry("z", "I8", new long[] {3, 0}, 4, 4) + "}";
        Path file = write(dir.resolve("meta.safetensors"), h, new byte[] {(byte) 0x80, 0x3F, 0, (byte) 0xC0});
        try (TensorSource s = SafetensorsSource.openFile(file)) {
            assertEquals("pt", s.metadata().get("format"));
            assertEquals(3, s.tensors().size());
            assertEquals(0, s.readDouble("empty").length);
            assertEquals(0, s.readDouble("z").length);
            assertArrayEquals(new double[] {1, -2}, s.readDouble("w"));
        }
    }

    @Test
    void formatAcceptsByContentAndByName() throws Exception {
        SafetensorsFormat f = new SafetensorsFormat();
        byte[] valid = bytes(header(W), f32(1, 2));
        Path noExt = write(dir.resolve("weights.bin"), valid);
        assertTrue(f.accepts(noExt, java.util.Arrays.copyOf(valid, 64)));
        assertFalse(f.accepts(noExt, "GGUF\3\0\0\0\0\0\0\0\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1)));
        assertFalse(f.accepts(noExt, new byte[] {2, 0, 0, 0, 0, 0, 0, 0, '['}));
        assertTrue(f.accepts(dir.resolve("broken.safetensors"), new byte[0]));
        try (TensorSource s = Checkpoints.open(noExt)) {
            assertEquals("safetensors", s.format());
        }
        Path folder = dir.resolve("model");
        write(folder.resolve("model.safetensors"), valid);
        assertTrue(f.accepts(folder, new byte[0]));
        assertFalse(f.accepts(dir.resolve("empty-folder-that-does-not-exist"), new byte[0]));
        try (TensorSource s = Checkpoints.open(folder)) {
            assertEquals(folder, s.path());
            assertArrayEquals(new double[] {1, 2}, s.readDouble("w"));
        }
    }

    @Test
    void emptyFolderIsUnknownFormat() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("nothing"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> SafetensorsSource.openFolder(folder));
        assertEquals(Category.UNKNOWN_FORMAT, e.category());
        assertTrue(e.userMessage().startsWith("nothing:"));
    }
}
