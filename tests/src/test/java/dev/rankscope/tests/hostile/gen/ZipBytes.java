package dev.rankscope.tests.hostile.gen;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A minimal zip writer (local headers, central directory, end record) whose entries may lie:
 * any name (including {@code ../} traversal), STORED or DEFLATED, and declared sizes that differ
 * from the real ones. Used for PyTorch {@code .bin} and NumPy {@code .npz} cases.
 */
public final class ZipBytes {
    /** Compression methods. */
    public static final int STORED = 0;
    public static final int DEFLATED = 8;

    private record Item(String name, int method, byte[] payload, long crc, long csize, long usize) { }

    private final List<Item> items = new ArrayList<>();

    /** Adds a STORED entry. */
    public ZipBytes stored(String name, byte[] data) {
        items.add(new Item(name, STORED, data, crc(data), data.length, data.length));
        return this;
    }

    /** Adds a DEFLATED entry with truthful sizes. */
    public ZipBytes deflated(String name, byte[] data) {
        byte[] c = deflate(data, data.length);
        items.add(new Item(name, DEFLATED, c, crc(data), c.length, data.length));
        return this;
    }

    /**
     * Adds a DEFLATED entry of {@code zeros} zero bytes (compressed in 1 MB chunks, so a
     * gigabyte-sized bomb costs no gigabyte of heap) declaring {@code declaredSize} as its
     * uncompressed size.
     */
    public ZipBytes zeroBomb(String name, long zeros, long declaredSize) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        byte[] chunk = new byte[1 << 20];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[1 << 16];
        CRC32 crc = new CRC32();
        long left = zeros;
        while (left > 0) {
            int n = (int) Math.min(chunk.length, left);
            d.setInput(chunk, 0, n);
            crc.update(chunk, 0, n);
            left -= n;
            while (!d.needsInput()) {
                int k = d.deflate(buf);
                out.write(buf, 0, k);
            }
        }
        d.finish();
        while (!d.finished()) {
            int k = d.deflate(buf);
            out.write(buf, 0, k);
        }
        d.end();
        byte[] c = out.toByteArray();
        items.add(new Item(name, DEFLATED, c, crc.getValue(), c.length, declaredSize));
        return this;
    }

    /** Adds an entry whose directory sizes are given explicitly (they may lie). */
    public ZipBytes raw(String name, int method, byte[] payload, long csize, long usize) {
        items.add(new Item(name, method, payload, 0, csize, usize));
        return this;
    }

    public byte[] toArray() {
        Bytes b = new Bytes();
        long[] offsets = new long[items.size()];
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            offsets[i] = b.size();
            byte[] name = it.name.getBytes(StandardCharsets.UTF_8);
            b.u32(0x04034b50).u16(20).u16(0x0800).u16(it.method).u16(0).u16(0x21)
                    .u32(it.crc).u32(it.csize).u32(it.usize).u16(name.length).u16(0).bytes(name).bytes(it.payload);
        }
        long cdStart = b.size();
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            byte[] name = it.name.getBytes(StandardCharsets.UTF_8);
            b.u32(0x02014b50).u16(20).u16(20).u16(0x0800).u16(it.method).u16(0).u16(0x21)
                    .u32(it.crc).u32(it.csize).u32(it.usize).u16(name.length).u16(0).u16(0)
                    .u16(0).u16(0).u32(0).u32(offsets[i]).bytes(name);
        }
        long cdSize = b.size() - cdStart;
        b.u32(0x06054b50).u16(0).u16(0).u16(items.size()).u16(items.size()).u32(cdSize).u32(cdStart).u16(0);
        return b.toArray();
    }

    static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return c.getValue();
    }

    static byte[] deflate(byte[] data, int hint) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(Math.max(64, hint / 4));
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }
}
