package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.GgmlTestQuantizer;
import dev.rankscope.engine.testing.GgufTestWriter;
import dev.rankscope.engine.testing.TestEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufReaderTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "F16", "BF16", "F64", "I8", "I16", "I32", "I64"})
    void plainTypesWithDimsReversedToOutIn(DType t) throws Exception {
        double[] v = new double[6];
        for (int i = 0; i < 6; i++) {
            v[i] = t.kind() == DType.Kind.FLOAT ? Math.sin(i) * 4 : i * 7 - 20;
        }
        // A (2 out, 3 in) weight: GGUF writes ne = [3, 2].
        Path f = new GgufTestWriter(3, 32).kvString("general.architecture", "llama")
                .tensor("blk.0.attn_q.weight", new long[] {2, 3}, t, TestEncoding.encode(t, v)).write(dir.resolve("m.gguf"));
        try (TensorSource s = Checkpoints.open(f)) {
            assertEquals("gguf", s.format());
            TensorInfo info = s.require("blk.0.attn_q.weight");
            assertArrayEquals(new long[] {2, 3}, info.shape());
            assertEquals(t, info.dtype());
            assertArrayEquals(TestEncoding.roundTrip(t, v), s.readDouble(info.name()), 0.0);
        }
    }

    @Test
    void rawDimsAreInnermostFirstOnDisk() throws Exception {
        Path f = new GgufTestWriter(3, 32).tensor("w", new long[] {2, 3}, DType.F32, new byte[24]).write(dir.resolve("d.gguf"));
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int p = 24 + 8 + 1; // header, name length, name "w"
        assertEquals(2, b.getInt(p));
        assertEquals(3, b.getLong(p + 4)); // ne[0] = in
        assertEquals(2, b.getLong(p + 12)); // ne[1] = out
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void versionsTwoAndThreeWithCustomAlignmentAndMetadata(int version) throws Exception {
        List<String> vocab = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            vocab.add("tok" + i);
        }
        Path f = new GgufTestWriter(version, 64).kvString("general.name", "tiny").kvU32("llama.block_count", 2)
                .kvF32("llama.rope.freq_base", 10000f).kvBool("flag", true).kvU64("big", -1L)
                .kvStringArray("tokenizer.ggml.tokens", vocab).kvI32Array("small", new int[] {1, -2, 3})
                .tensor("a", new long[] {4}, DType.F32, TestEncoding.encode(DType.F32, new double[] {1, 2, 3, 4}))
                .tensor("b", new long[] {2}, DType.F32, TestEncoding.encode(DType.F32, new double[] {5, 6}))
                .write(dir.resolve("meta.gguf"));
        try (TensorSource s = Checkpoints.open(f)) {
            var m = s.metadata();
            assertEquals("tiny", m.get("general.name"));
            assertEquals("2", m.get("llama.block_count"));
            assertEquals("10000.0", m.get("llama.rope.freq_base"));
            assertEquals("true", m.get("flag"));
            assertEquals("18446744073709551615", m.get("big"));
            assertEquals("[string array of 1000 items]", m.get("tokenizer.ggml.tokens"));
            assertEquals("[1, -2, 3]", m.get("small"));
            assertEquals("64", m.get("gguf.alignment"));
            assertEquals(Integer.toString(version), m.get("gguf.version"));
            assertArrayEquals(new double[] {5, 6}, s.readDouble("b"), 0.0);
        }
    }

    /** SPEC §6 check: 32 values evenly over [−1, 1] → Q8_0 d = 1/127, Q4_0 d = 0.125. */
    @Test
    void specCheckQ8_0AndQ4_0Scales() throws Exception {
        float[] x = new float[32];
        double[] exact = new double[32];
        for (int i = 0; i < 32; i++) {
            exact[i] = -1 + 2.0 * i / 31;
            x[i] = (float) exact[i];
        }
        byte[] q8 = GgmlTestQuantizer.quantizeQ8_0(x);
        byte[] q4 = GgmlTestQuantizer.quantizeQ4_0(x);
        double d8 = TestEncoding.halfValue(ByteBuffer.wrap(q8).order(ByteOrder.LITTLE_ENDIAN).getShort(0));
        double d4 = TestEncoding.halfValue(ByteBuffer.wrap(q4).order(ByteOrder.LITTLE_ENDIAN).getShort(0));
        assertEquals(1.0 / 127, d8, 1.0 / 127 * 1e-3); // 1/127 rounded to binary16
        assertEquals(0.125, d4, 0.0);
        Path f = new GgufTestWriter(3, 32).tensor("q8", new long[] {1, 32}, DType.Q8_0, q8)
                .tensor("q4", new long[] {1, 32}, DType.Q4_0, q4).write(dir.resolve("spec.gguf"));
        try (TensorSource s = Checkpoints.open(f)) {
            double[] r8 = s.readDouble("q8");
            double[] r4 = s.readDouble("q4");
            for (int i = 0; i < 32; i++) {
                assertEquals(d8 * Math.round(exact[i] * 127), r8[i], 1e-12, "q8 " + i);
                assertEquals(exact[i], r8[i], d8 / 2 + 1e-6, "q8 error " + i);
                // Q4_0 codes −8..7 around d = 0.125: nearest step, with +1 clipped to 7·d = 0.875 as in ggml.
                assertEquals(0.125 * Math.min(7, Math.floor(8 * x[i] + 0.5)), r4[i], 0.0, "q4 " + i);
            }
            assertEquals(-1.0, r4[0], 0.0);   // x = -1 maps to q = 0: (0 - 8)·0.125
            assertEquals(d8 * -127, r8[0], 0.0);
            assertEquals(DType.Q8_0, s.require("q8").dtype());
            assertEquals(34, s.require("q8").byteSize());
        }
    }

    @Test
    void partialReadsInsideQuantisedBlocks() throws Exception {
        float[] x = new float[96];
        for (int i = 0; i < 96; i++) {
            x[i] = (float) Math.sin(i * 0.3);
        }
        Path f = new GgufTestWriter(3, 32).tensor("w", new long[] {3, 32}, DType.Q8_0, GgmlTestQuantizer.quantizeQ8_0(x))
                .write(dir.resolve("p.gguf"));
        try (TensorSource s = Checkpoints.open(f)) {
            double[] all = s.readDouble("w");
            double[] part = new double[40];
            s.readElements("w", 17, 40, part, 0);
            for (int i = 0; i < 40; i++) {
                assertEquals(all[17 + i], part[i], 0.0);
            }
        }
    }

    @Test
    void absurdCountsAndLengthsAreRefusedBeforeAllocation() throws Exception {
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(1L << 40).putLong(0);
        Path f = Files.write(dir.resolve("count.gguf"), h.array());
        assertEquals(Category.TOO_LARGE, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f)).category());

        ByteBuffer s = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        s.put("GGUF".getBytes(StandardCharsets.US_ASCII)).putInt(3).putLong(0).putLong(1).putLong(1000).putLong(0);
        Path g = Files.write(dir.resolve("string.gguf"), s.array());
        assertEquals(Category.TRUNCATED, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(g)).category());

        ByteBuffer a = ByteBuffer.allocate(8 + 3 + 4 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        a.putLong(3).put("arr".getBytes(StandardCharsets.US_ASCII)).putInt(9).putInt(4).putLong(1L << 50);
        Path k = new GgufTestWriter(3, 32).rawKv(a.array()).write(dir.resolve("array.gguf"));
        assertEquals(Category.TOO_LARGE, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(k)).category());
    }

    @Test
    void misalignedOverlappingAndTruncatedDataAreRefused() throws Exception {
        byte[] good = new GgufTestWriter(3, 32).tensor("a", new long[] {8}, DType.F32, new byte[32]).toBytes();
        // Offset field of tensor "a" sits right before the data padding; make it 4 (misaligned).
        int offsetPos = 24 + 8 + 1 + 4 + 8 + 4;
        byte[] mis = good.clone();
        ByteBuffer.wrap(mis).order(ByteOrder.LITTLE_ENDIAN).putLong(offsetPos, 4);
        Path f = Files.write(dir.resolve("mis.gguf"), mis);
        assertEquals(Category.BAD_OFFSETS, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f)).category());

        Path t = Files.write(dir.resolve("trunc.gguf"), java.util.Arrays.copyOf(good, good.length - 4));
        assertEquals(Category.TRUNCATED, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(t)).category());

        Path o = new GgufTestWriter(3, 32).tensor("a", new long[] {16}, DType.F32, new byte[64])
                .tensor("b", new long[] {8}, DType.F32, new byte[32]).write(dir.resolve("overlap.gguf"));
        byte[] ob = Files.readAllBytes(o);
        int bOffset = 24 + (8 + 1 + 4 + 8 + 4 + 8) + (8 + 1 + 4 + 8 + 4);
        ByteBuffer.wrap(ob).order(ByteOrder.LITTLE_ENDIAN).putLong(bOffset, 32);
        Files.write(o, ob);
        assertEquals(Category.BAD_OFFSETS, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(o)).category());
    }

    @Test
    void unsupportedTypesAndVersionsNameTheProblem() throws Exception {
        Path f = new GgufTestWriter(3, 32).tensorWithTypeId("iq", new long[] {256}, 16, new byte[66]).write(dir.resolve("iq.gguf"));
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(f));
        assertEquals(Category.UNSUPPORTED, e.category());
        assertTrue(e.userMessage().contains("IQ2_XXS"), e.userMessage());

        Path v1 = new GgufTestWriter(1, 32).write(dir.resolve("v1.gguf"));
        assertEquals(Category.UNSUPPORTED, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(v1)).category());

        Path rows = new GgufTestWriter(3, 32).tensor("r", new long[] {2, 16}, DType.Q8_0, new byte[34]).write(dir.resolve("rows.gguf"));
        assertEquals(Category.SIZE_MISMATCH, assertThrows(CheckpointFormatException.class, () -> Checkpoints.open(rows)).category());
    }

    @Test
    void blockSizesMatchGgml() {
        assertEquals(144, DType.Q4_K.bytesPerBlock());
        assertEquals(176, DType.Q5_K.bytesPerBlock());
        assertEquals(210, DType.Q6_K.bytesPerBlock());
        assertEquals(84, DType.Q2_K.bytesPerBlock());
        assertEquals(110, DType.Q3_K.bytesPerBlock());
        assertEquals(34, DType.Q8_0.bytesPerBlock());
        assertEquals(18, DType.Q4_0.bytesPerBlock());
        assertEquals(20, DType.Q4_1.bytesPerBlock());
        assertEquals(22, DType.Q5_0.bytesPerBlock());
        assertEquals(24, DType.Q5_1.bytesPerBlock());
        for (DType t : new DType[] {DType.Q2_K, DType.Q3_K, DType.Q4_K, DType.Q5_K, DType.Q6_K}) {
            assertEquals(256, t.elementsPerBlock());
        }
    }
}
