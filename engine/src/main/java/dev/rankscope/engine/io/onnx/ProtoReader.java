package dev.rankscope.engine.io.onnx;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A minimal protobuf wire-format reader (varint, 64-bit, length-delimited and 32-bit fields)
 * over a byte range of a file, so ONNX models are parsed without a protobuf dependency and
 * without loading {@code raw_data}: length-delimited fields are either descended into
 * ({@link #sub()}), read as small strings, or merely located ({@link #skipLengthDelimited()}).
 * Deprecated group wire types are refused. Not thread-safe.
 */
final class ProtoReader {
    /** Wire types. */
    static final int VARINT = 0;
    static final int FIXED64 = 1;
    static final int LEN = 2;
    static final int FIXED32 = 5;

    /** Buffered random-access view of the file shared by nested readers. */
    static final class Input {
        private final Path file;
        private final FileChannel ch;
        private final long size;
        private final ByteBuffer window = ByteBuffer.allocate(1 << 16);
        private long windowStart = -1;
        private int windowLen;

        Input(Path file, FileChannel ch) throws IOException {
            this.file = file;
            this.ch = ch;
            this.size = ch.size();
        }

        long size() {
            return size;
        }

        Path file() {
            return file;
        }

        int u8(long pos) {
            if (windowStart < 0 || pos < windowStart || pos >= windowStart + windowLen) {
                fill(pos);
            }
            return window.get((int) (pos - windowStart)) & 0xFF;
        }

        byte[] bytes(long pos, int len) {
            byte[] out = new byte[len];
            for (int i = 0; i < len; i++) {
                out[i] = (byte) u8(pos + i);
            }
            return out;
        }

        private void fill(long pos) {
            if (pos < 0 || pos >= size) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, "protobuf data ends at byte " + size);
            }
            try {
                window.clear();
                int n = 0;
                while (window.hasRemaining() && pos + n < size) {
                    int k = ch.read(window, pos + n);
                    if (k < 0) {
                        break;
                    }
                    n += k;
                }
                windowStart = pos;
                windowLen = n;
            } catch (IOException e) {
                throw new CheckpointFormatException(file, Category.IO, "read failed: " + e.getMessage(), e);
            }
        }
    }

    private final Input in;
    private final long end;
    private long pos;
    private int field;
    private int wireType;

    ProtoReader(Input in, long start, long end) {
        this.in = in;
        this.pos = start;
        this.end = end;
    }

    /** Advances to the next field; false at the end of the range. */
    boolean next() {
        if (pos >= end) {
            return false;
        }
        long tag = varint();
        field = (int) (tag >>> 3);
        wireType = (int) (tag & 7);
        if (field <= 0 || (tag >>> 3) > (1 << 29)) {
            throw malformed("invalid protobuf field number " + (tag >>> 3));
        }
        if (wireType != VARINT && wireType != FIXED64 && wireType != LEN && wireType != FIXED32) {
            throw malformed("unsupported protobuf wire type " + wireType + " (field " + field + ")");
        }
        return true;
    }

    int field() {
        return field;
    }

    int wireType() {
        return wireType;
    }

    long position() {
        return pos;
    }

    /** Exclusive end of this reader's range. */
    long end() {
        return end;
    }

    Path file() {
        return in.file();
    }

    long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= end) {
                throw new CheckpointFormatException(in.file(), Category.TRUNCATED, "protobuf varint cut short at byte " + pos);
            }
            int b = in.u8(pos++);
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw malformed("protobuf varint longer than 10 bytes at byte " + pos);
    }

    long fixed64() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) fixedByte() << (8 * i);
        }
        return v;
    }

    int fixed32() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= fixedByte() << (8 * i);
        }
        return v;
    }

    private int fixedByte() {
        if (pos >= end) {
            throw new CheckpointFormatException(in.file(), Category.TRUNCATED, "protobuf fixed field cut short at byte " + pos);
        }
        return in.u8(pos++);
    }

    /** The current length-delimited field's {offset, length}, skipping its content. */
    long[] skipLengthDelimited() {
        long len = varint();
        if (len < 0 || len > end - pos) {
            throw new CheckpointFormatException(in.file(), Category.TRUNCATED, "protobuf field " + field + " declares "
                    + len + " bytes but only " + (end - pos) + " remain");
        }
        long[] r = {pos, len};
        pos += len;
        return r;
    }

    /** A reader over the current length-delimited field. */
    ProtoReader sub() {
        long[] r = skipLengthDelimited();
        return new ProtoReader(in, r[0], r[0] + r[1]);
    }

    /** The current length-delimited field as UTF-8, refusing more than {@code max} bytes. */
    String string(int max) {
        long[] r = skipLengthDelimited();
        if (r[1] > max) {
            throw new CheckpointFormatException(in.file(), Category.TOO_LARGE, "protobuf string of " + r[1] + " bytes");
        }
        return new String(in.bytes(r[0], (int) r[1]), StandardCharsets.UTF_8);
    }

    /** Skips the current field whatever its wire type. */
    void skip() {
        switch (wireType) {
            case VARINT -> varint();
            case FIXED64 -> advance(8);
            case FIXED32 -> advance(4);
            default -> skipLengthDelimited();
        }
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw new CheckpointFormatException(in.file(), Category.TRUNCATED, "protobuf field cut short at byte " + pos);
        }
        pos += n;
    }

    private CheckpointFormatException malformed(String problem) {
        return new CheckpointFormatException(in.file(), Category.MALFORMED_HEADER, problem);
    }
}
