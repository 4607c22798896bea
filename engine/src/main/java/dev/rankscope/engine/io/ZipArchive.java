package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The central directory of a zip file (PyTorch ≥ 1.6 checkpoints, NumPy {@code .npz}), read
 * without extracting anything. Entries are validated on open: names must be relative and free of
 * {@code ..} segments ({@link Category#UNSAFE}), only STORED and DEFLATED methods are accepted,
 * and every entry's data range must lie inside the file. ZIP64 end records and extra fields are
 * understood (torch writes them for checkpoints over 4 GB).
 *
 * <p>STORED entries are read in place: {@link Entry#dataOffset()} is the absolute offset of the
 * entry's bytes, computed from its local file header (torch pads that header's extra field so
 * storages start 64-byte aligned). DEFLATED entries are inflated to memory by
 * {@link #readBytes(Entry, long)}, never beyond the size the directory declares and never
 * beyond a caller's cap ({@link Category#TOO_LARGE}): the zip-bomb guard.
 *
 * <p>Immutable after construction; safe to share between threads.
 */
public final class ZipArchive {
    /** Compression method 0: bytes stored as-is. */
    public static final int STORED = 0;
    /** Compression method 8: raw deflate. */
    public static final int DEFLATED = 8;
    /** Deflate cannot expand data more than ~1032:1; a directory claiming more lies (zip bomb). */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final int MAX_ENTRIES = 1_000_000;

    /**
     * One file inside the archive.
     *
     * @param name             entry name as stored (forward slashes)
     * @param method           {@link #STORED} or {@link #DEFLATED}
     * @param compressedSize   bytes the entry occupies in the zip file
     * @param uncompressedSize bytes after decompression (equals compressedSize when STORED)
     * @param dataOffset       absolute offset of the entry's (possibly compressed) bytes
     */
    public record Entry(String name, int method, long compressedSize, long uncompressedSize, long dataOffset) {
        public boolean isStored() {
            return method == STORED;
        }
    }

    private final Path file;
    private final Map<String, Entry> entries;

    private ZipArchive(Path file, Map<String, Entry> entries) {
        this.file = file;
        this.entries = Collections.unmodifiableMap(entries);
    }

    /** True when {@code head} starts with a local-file-header signature {@code PK\3\4}. */
    public static boolean looksLikeZip(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /**
     * Reads and validates the central directory of {@code file}.
     *
     * @throws CheckpointFormatException MALFORMED_HEADER/TRUNCATED for a broken directory, UNSAFE
     *                                   for escaping entry names, UNSUPPORTED for other compression methods
     */
    public static ZipArchive open(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return new ZipArchive(file, readDirectory(file, ch));
        } catch (java.io.EOFException e) {
            throw new CheckpointFormatException(file, Category.TRUNCATED, "zip structure runs past the end of the file", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Entries in directory order, keyed by name. */
    public Map<String, Entry> entries() {
        return entries;
    }

    /**
     * The uncompressed bytes of {@code entry}, refusing more than {@code cap} bytes.
     *
     * @throws CheckpointFormatException TOO_LARGE when the entry exceeds {@code cap}; MALFORMED_HEADER
     *                                   when the deflate stream is corrupt or disagrees with the directory
     */
    public byte[] readBytes(Entry entry, long cap) {
        long limit = Math.min(cap, Integer.MAX_VALUE - 8L);
        if (entry.uncompressedSize() > limit) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE, "zip entry '" + entry.name() + "' declares "
                    + entry.uncompressedSize() + " bytes, more than the limit of " + limit);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] raw = readFully(ch, entry.dataOffset(), Math.toIntExact(Math.min(entry.compressedSize(), limit + 1)));
            if (entry.isStored()) {
                return raw;
            }
            return inflate(entry, raw, entry.uncompressedSize());
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot read zip entry '" + entry.name() + "'", e);
        }
    }

    /**
     * The first {@code max} uncompressed bytes of {@code entry} (fewer when the entry is shorter);
     * used to read headers inside deflated entries without inflating all of them.
     */
    public byte[] readPrefix(Entry entry, int max) {
        int want = (int) Math.min(max, entry.uncompressedSize());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (entry.isStored()) {
                return readFully(ch, entry.dataOffset(), want);
            }
            int compressed = (int) Math.min(entry.compressedSize(), (long) want * MAX_DEFLATE_RATIO + 1024);
            byte[] raw = readFully(ch, entry.dataOffset(), compressed);
            Inflater inf = new Inflater(true);
            try {
                inf.setInput(raw);
                byte[] out = new byte[want];
                int n = 0;
                while (n < want && !inf.finished()) {
                    int k = inf.inflate(out, n, want - n);
                    if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                    n += k;
                }
                return n == want ? out : java.util.Arrays.copyOf(out, n);
            } catch (DataFormatException e) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                        "zip entry '" + entry.name() + "' has a corrupt deflate stream", e);
            } finally {
                inf.end();
            }
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot read zip entry '" + entry.name() + "'", e);
        }
    }

    private byte[] inflate(Entry entry, byte[] raw, long declared) {
        Inflater inf = new Inflater(true);
        try {
            inf.setInput(raw);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(declared, 1 << 20));
            byte[] buf = new byte[1 << 16];
            long total = 0;
            while (!inf.finished()) {
                int k = inf.inflate(buf);
                if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                    throw new CheckpointFormatException(file, Category.TRUNCATED,
                            "zip entry '" + entry.name() + "' ends before its deflate stream does");
                }
                total += k;
                if (total > declared) {
                    throw new CheckpointFormatException(file, Category.TOO_LARGE, "zip entry '" + entry.name()
                            + "' inflates to more than the " + declared + " bytes its directory declares");
                }
                out.write(buf, 0, k);
            }
            if (total != declared) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "zip entry '" + entry.name()
                        + "' inflates to " + total + " bytes, directory declares " + declared);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    "zip entry '" + entry.name() + "' has a corrupt deflate stream", e);
        } finally {
            inf.end();
        }
    }

    private static Map<String, Entry> readDirectory(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        if (size < 22) {
            throw new CheckpointFormatException(file, Category.TRUNCATED, "zip file of " + size + " bytes has no end record");
        }
        int tail = (int) Math.min(size, 22 + 65535 + 20);
        ByteBuffer end = readBuf(ch, size - tail, tail);
        int eocd = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (end.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "zip end-of-central-directory record not found");
        }
        long count = end.getShort(eocd + 10) & 0xFFFF;
        long cdSize = end.getInt(eocd + 12) & 0xFFFFFFFFL;
        long cdOffset = end.getInt(eocd + 16) & 0xFFFFFFFFL;
        if (eocd >= 20 && end.getInt(eocd - 20) == 0x07064b50) {
            long eocd64 = end.getLong(eocd - 20 + 8);
            if (eocd64 < 0 || eocd64 + 56 > size) {
                throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "zip64 end record offset outside the file");
            }
            ByteBuffer z = readBuf(ch, eocd64, 56);
            if (z.getInt(0) != 0x06064b50) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "zip64 end record signature missing");
            }
            count = z.getLong(32);
            cdSize = z.getLong(40);
            cdOffset = z.getLong(48);
        }
        if (count < 0 || count > MAX_ENTRIES) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE, "zip declares " + count + " entries");
        }
        if (cdOffset < 0 || cdSize < 0 || cdOffset + cdSize > size || cdSize > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "zip central directory lies outside the file");
        }
        ByteBuffer cd = readBuf(ch, cdOffset, (int) cdSize);
        Map<String, Entry> out = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != 0x02014b50) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "zip central directory entry " + i + " is malformed");
            }
            int flags = cd.getShort(p + 8) & 0xFFFF;
            int method = cd.getShort(p + 10) & 0xFFFF;
            long csize = cd.getInt(p + 20) & 0xFFFFFFFFL;
            long usize = cd.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLen = cd.getShort(p + 28) & 0xFFFF;
            int extraLen = cd.getShort(p + 30) & 0xFFFF;
            int commentLen = cd.getShort(p + 32) & 0xFFFF;
            long local = cd.getInt(p + 42) & 0xFFFFFFFFL;
            if (p + 46 + nameLen + extraLen + commentLen > cd.limit()) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, "zip central directory ends inside entry " + i);
            }
            byte[] nameBytes = new byte[nameLen];
            cd.get(p + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            // ZIP64 extra field: present values replace the 0xFFFFFFFF placeholders, in order.
            int x = p + 46 + nameLen;
            int xEnd = x + extraLen;
            while (x + 4 <= xEnd) {
                int id = cd.getShort(x) & 0xFFFF;
                int len = cd.getShort(x + 2) & 0xFFFF;
                if (id == 0x0001) {
                    int q = x + 4;
                    if (usize == 0xFFFFFFFFL && q + 8 <= x + 4 + len) {
                        usize = cd.getLong(q);
                        q += 8;
                    }
                    if (csize == 0xFFFFFFFFL && q + 8 <= x + 4 + len) {
                        csize = cd.getLong(q);
                        q += 8;
                    }
                    if (local == 0xFFFFFFFFL && q + 8 <= x + 4 + len) {
                        local = cd.getLong(q);
                    }
                }
                x += 4 + len;
            }
            p += 46 + nameLen + extraLen + commentLen;
            checkName(file, name);
            if ((flags & 1) != 0) {
                throw new CheckpointFormatException(file, Category.UNSUPPORTED, "zip entry '" + name + "' is encrypted");
            }
            if (method != STORED && method != DEFLATED) {
                throw new CheckpointFormatException(file, Category.UNSUPPORTED,
                        "zip entry '" + name + "' uses compression method " + method + " (only stored and deflated are read)");
            }
            if (csize < 0 || usize < 0 || local < 0) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "zip entry '" + name + "' has negative sizes");
            }
            if (method == STORED && csize != usize) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH,
                        "stored zip entry '" + name + "' has different compressed and uncompressed sizes");
            }
            if (method == DEFLATED && usize > Math.max(csize, 1) * MAX_DEFLATE_RATIO) {
                throw new CheckpointFormatException(file, Category.TOO_LARGE, "zip entry '" + name + "' claims to inflate "
                        + csize + " bytes to " + usize + ", beyond what deflate can do (zip bomb?)");
            }
            if (local + 30 > size) {
                throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "zip entry '" + name + "' header lies outside the file");
            }
            ByteBuffer lh = readBuf(ch, local, 30);
            if (lh.getInt(0) != 0x04034b50) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "zip entry '" + name + "' has no local header");
            }
            long data = local + 30 + (lh.getShort(26) & 0xFFFF) + (lh.getShort(28) & 0xFFFF);
            if (data + csize > size) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, "zip entry '" + name + "' data runs past the end of the file");
            }
            if (out.putIfAbsent(name, new Entry(name, method, csize, usize, data)) != null) {
                throw new CheckpointFormatException(file, Category.DUPLICATE_NAME, "zip entry '" + name + "' appears twice");
            }
            ranges.add(new long[] {data, data + csize});
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "zip entries overlap (a crafted archive)");
            }
        }
        return out;
    }

    /** Refuses absolute names, drive letters, backslashes and {@code ..} segments. */
    private static void checkName(Path file, String name) {
        boolean bad = name.isEmpty() || name.startsWith("/") || name.startsWith("\\") || name.indexOf('\\') >= 0
                || (name.length() > 1 && name.charAt(1) == ':') || name.indexOf('\0') >= 0;
        for (String seg : name.split("/", -1)) {
            if (seg.equals("..")) {
                bad = true;
            }
        }
        if (bad) {
            throw new CheckpointFormatException(file, Category.UNSAFE,
                    "zip entry name '" + name + "' escapes the archive (absolute path or '..'); refusing to read it");
        }
    }

    private static ByteBuffer readBuf(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(readFully(ch, pos, len));
        return b.order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] readFully(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new java.io.EOFException("zip file ends at " + (pos + b.position()));
            }
        }
        return b.array();
    }
}
