package dev.rankscope.engine.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes zip archives byte by byte for reader tests: STORED entries optionally padded so their
 * data starts at a multiple of an alignment (as PyTorch's writer does with an "FB" extra field),
 * DEFLATED entries, arbitrary (even hostile) entry names, and a lie about the uncompressed size
 * for zip-bomb tests. Test code only.
 */
public final class ZipTestWriter {
    private record Entry(String name, byte[] data, boolean deflate, long claimedSize) { }

    private final List<Entry> entries = new ArrayList<>();
    private final int alignment;
    private boolean zip64;

    /** Writes ZIP64 central-directory extras (sizes and offsets as 0xFFFFFFFF placeholders) and end records, as torch does past 4 GB. */
    public ZipTestWriter zip64() {
        this.zip64 = true;
        return this;
    }

    /** @param alignment data alignment of STORED entries (1 = none; torch uses 64) */
    public ZipTestWriter(int alignment) {
        this.alignment = alignment;
    }

    public ZipTestWriter stored(String name, byte[] data) {
        entries.add(new Entry(name, data, false, data.length));
        return this;
    }

    public ZipTestWriter deflated(String name, byte[] data) {
        entries.add(new Entry(name, data, true, data.length));
        return this;
    }

    /** A deflated entry whose directory claims {@code claimedSize} uncompressed bytes. */
    public ZipTestWriter deflatedClaiming(String name, byte[] data, long claimedSize) {
        entries.add(new Entry(name, data, true, claimedSize));
        return this;
    }

    public byte[] toBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream cd = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] name = e.name.getBytes(StandardCharsets.UTF_8);
            byte[] payload = e.deflate ? deflate(e.data) : e.data;
            CRC32 crc = new CRC32();
            crc.update(e.data);
            int local = out.size();
            int extraLen = 0;
            if (!e.deflate && alignment > 1) {
                int dataStart = local + 30 + name.length + 4;
                int pad = (alignment - dataStart % alignment) % alignment;
                extraLen = 4 + pad;
            }
            ByteBuffer lh = le(30);
            lh.putInt(0x04034b50).putShort((short) 20).putShort((short) 0x0800)
                    .putShort((short) (e.deflate ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt(payload.length).putInt((int) e.claimedSize)
                    .putShort((short) name.length).putShort((short) extraLen);
            out.writeBytes(lh.array());
            out.writeBytes(name);
            if (extraLen > 0) {
                ByteBuffer x = le(extraLen);
                x.putShort((short) 0x4246).putShort((short) (extraLen - 4)); // "FB" padding, as torch writes
                out.writeBytes(x.array());
            }
            out.writeBytes(payload);
            int none = 0xFFFFFFFF;
            ByteBuffer ch = le(46);
            ch.putInt(0x02014b50).putShort((short) 45).putShort((short) 45).putShort((short) 0x0800)
                    .putShort((short) (e.deflate ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
                    .putInt((int) crc.getValue()).putInt(zip64 ? none : payload.length).putInt(zip64 ? none : (int) e.claimedSize)
                    .putShort((short) name.length).putShort((short) (zip64 ? 28 : 0)).putShort((short) 0)
                    .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? none : local);
            cd.writeBytes(ch.array());
            cd.writeBytes(name);
            if (zip64) {
                cd.writeBytes(le(28).putShort((short) 1).putShort((short) 24).putLong(e.claimedSize)
                        .putLong(payload.length).putLong(local).array());
            }
        }
        int cdStart = out.size();
        out.writeBytes(cd.toByteArray());
        if (zip64) {
            int eocd64 = out.size();
            out.writeBytes(le(56).putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45).putInt(0).putInt(0)
                    .putLong(entries.size()).putLong(entries.size()).putLong(cd.size()).putLong(cdStart).array());
            out.writeBytes(le(20).putInt(0x07064b50).putInt(0).putLong(eocd64).putInt(1).array());
        }
        ByteBuffer end = le(22);
        short n = zip64 ? (short) 0xFFFF : (short) entries.size();
        end.putInt(0x06054b50).putShort((short) 0).putShort((short) 0).putShort(n)
                .putShort(n).putInt(zip64 ? 0xFFFFFFFF : cd.size()).putInt(zip64 ? 0xFFFFFFFF : cdStart).putShort((short) 0);
        out.writeBytes(end.array());
        return out.toByteArray();
    }

    public Path write(Path file) throws IOException {
        Files.write(file, toBytes());
        return file;
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) {
            out.write(buf, 0, d.deflate(buf));
        }
        d.end();
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
