package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static dev.rankscope.engine.testing.SafetensorsFixtures.bytes;
import static dev.rankscope.engine.testing.SafetensorsFixtures.entry;
import static dev.rankscope.engine.testing.SafetensorsFixtures.f32;
import static dev.rankscope.engine.testing.SafetensorsFixtures.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A sparse file over 2 GB: a tensor placed beyond 2^31 reads correctly (positional 64-bit offsets). */
class LargeSafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void tensorBeyondTwoGigabytesReads() throws Exception {
        long pad = (1L << 31) + 8;
        String h = header(entry("pad", "U8", new long[] {pad}, 0, pad), entry("w", "F32", new long[] {2, 2}, pad, pad + 16));
        byte[] head = bytes(h, new byte[0]);
        Path file = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(head);
            raf.setLength(head.length + pad + 16);
            raf.seek(head.length + pad);
            raf.write(f32(1.25f, -2, 3, 4e6f));
        }
        try (TensorSource s = SafetensorsSource.openFile(file)) {
            assertEquals(pad, s.require("pad").numel());
            assertArrayEquals(new double[] {1.25, -2, 3, 4e6}, s.readDouble("w"));
            double[] tail = new double[4];
            s.readElements("pad", pad - 4, 4, tail, 0);
            assertArrayEquals(new double[4], tail);
            double[] last = new double[2];
            s.readElements("w", 2, 2, last, 0);
            assertArrayEquals(new double[] {3, 4e6}, last);
        }
        assertEquals(8 + h.getBytes(StandardCharsets.UTF_8).length + pad + 16, file.toFile().length());
    }
}
