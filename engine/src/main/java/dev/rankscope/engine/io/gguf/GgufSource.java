package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.io.FileTensorSource;
import dev.rankscope.engine.io.Shapes;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.EOFException;
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

/**
 * A GGUF v2/v3 file (SPEC §6): magic {@code GGUF}, u32 version, u64 tensor count, u64 KV count,
 * the KV metadata, tensor infos, then tensor data starting at the next multiple of
 * {@code general.alignment} (default 32). Tensor shapes are reported outermost first (GGUF stores
 * them innermost first, so a (m, n) weight written {@code [n, m]} is listed as (m, n)); quantised
 * tensors are dequantised on read by {@link GgmlDequant}.
 *
 * <p>Every count and length is checked against the bytes left in the file before anything is
 * allocated (TOO_LARGE / TRUNCATED), offsets must be aligned, inside the file and non-overlapping
 * (BAD_OFFSETS). KV values appear in {@link #metadata()} as strings; arrays of more than
 * {@value #ARRAY_PREVIEW} items (tokenizer vocabularies) are summarised by type and length.
 */
public final class GgufSource extends FileTensorSource {
    static final int MAGIC = 0x46554747; // "GGUF" little-endian
    static final int ARRAY_PREVIEW = 16;
    private static final int MAX_DIMS = 8;
    private static final int MAX_STRING_SHOWN = 4096;
    private static final long MAX_STRING = 256L << 20;

    private static final Map<Integer, DType> TYPES = Map.ofEntries(
            Map.entry(0, DType.F32), Map.entry(1, DType.F16), Map.entry(2, DType.Q4_0), Map.entry(3, DType.Q4_1),
            Map.entry(6, DType.Q5_0), Map.entry(7, DType.Q5_1), Map.entry(8, DType.Q8_0), Map.entry(10, DType.Q2_K),
            Map.entry(11, DType.Q3_K), Map.entry(12, DType.Q4_K), Map.entry(13, DType.Q5_K), Map.entry(14, DType.Q6_K),
            Map.entry(24, DType.I8), Map.entry(25, DType.I16), Map.entry(26, DType.I32), Map.entry(27, DType.I64),
            Map.entry(28, DType.F64), Map.entry(30, DType.BF16));
    private static final Map<Integer, String> UNSUPPORTED_TYPES = Map.ofEntries(
            Map.entry(4, "Q4_2"), Map.entry(5, "Q4_3"), Map.entry(9, "Q8_1"), Map.entry(15, "Q8_K"),
            Map.entry(16, "IQ2_XXS"), Map.entry(17, "IQ2_XS"), Map.entry(18, "IQ3_XXS"), Map.entry(19, "IQ1_S"),
            Map.entry(20, "IQ4_NL"), Map.entry(21, "IQ3_S"), Map.entry(22, "IQ2_S"), Map.entry(23, "IQ4_XS"),
            Map.entry(29, "IQ1_M"), Map.entry(34, "TQ1_0"), Map.entry(35, "TQ2_0"), Map.entry(39, "MXFP4"));

    /** The GGUF type id of a dtype (for writers and messages); -1 when GGUF has none. */
    public static int typeId(DType t) {
        for (Map.Entry<Integer, DType> e : TYPES.entrySet()) {
            if (e.getValue() == t) {
                return e.getKey();
            }
        }
        return -1;
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int version;

    private GgufSource(Path path) {
        super(path);
    }

    /**
     * Opens and validates a GGUF file, reading only its header.
     *
     * @throws CheckpointFormatException naming the file and the problem
     */
    public static GgufSource open(Path file) {
        GgufSource src = new GgufSource(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            src.parse(new Reader(file, ch));
        } catch (EOFException e) {
            src.close();
            throw new CheckpointFormatException(file, Category.TRUNCATED, "file ends inside the GGUF header", e);
        } catch (IOException e) {
            src.close();
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            src.close();
            throw e;
        }
        return src;
    }

    private record Pending(String name, long[] shape, DType type, long offset, long bytes) { }

    private void parse(Reader r) throws IOException {
        Path file = path();
        if (r.u32() != MAGIC) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "GGUF magic missing");
        }
        version = r.u32();
        if (version == 1) {
            throw new CheckpointFormatException(file, Category.UNSUPPORTED, "GGUF version 1 is not supported (2 and 3 are); re-convert the model");
        }
        if (version < 2 || version > 3) {
            throw new CheckpointFormatException(file, Category.UNSUPPORTED, "GGUF version " + Integer.toUnsignedString(version)
                    + " is not supported (2 and 3 are)" + (Integer.reverseBytes(version) <= 3 ? "; big-endian GGUF files are not read" : ""));
        }
        long tensorCount = r.u64();
        long kvCount = r.u64();
        // Each tensor info takes ≥ 24 bytes, each KV ≥ 13: anything more than the file can hold is absurd.
        if (tensorCount < 0 || tensorCount > r.size / 24) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE, "GGUF declares " + Long.toUnsignedString(tensorCount)
                    + " tensors, more than a file of " + r.size + " bytes can describe");
        }
        if (kvCount < 0 || kvCount > r.size / 13) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE, "GGUF declares " + Long.toUnsignedString(kvCount)
                    + " metadata entries, more than a file of " + r.size + " bytes can hold");
        }
        metadata.put("gguf.version", Integer.toString(version));
        long alignment = 32;
        for (long i = 0; i < kvCount; i++) {
            String key = r.string();
            int type = r.u32();
            if (key.equals("general.alignment")) {
                if (type != 4) {
                    throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "general.alignment must be a u32");
                }
                alignment = r.u32() & 0xFFFFFFFFL;
                if (alignment == 0 || (alignment & (alignment - 1)) != 0) {
                    throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                            "general.alignment " + alignment + " is not a power of two");
                }
                metadata.put(key, Long.toString(alignment));
                continue;
            }
            metadata.put(key, value(r, type, 0));
        }
        List<Pending> pending = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String name = r.string();
            int nDims = r.u32();
            if (nDims < 0 || nDims > MAX_DIMS) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "tensor '" + name + "' has " + nDims + " dimensions");
            }
            long[] ne = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                ne[d] = r.u64();
            }
            int typeId = r.u32();
            long offset = r.u64();
            DType type = TYPES.get(typeId);
            if (type == null) {
                String known = UNSUPPORTED_TYPES.get(typeId);
                throw new CheckpointFormatException(file, Category.UNSUPPORTED, "tensor '" + name + "' has ggml type "
                        + (known != null ? known : "id " + Integer.toUnsignedString(typeId)) + ", which Rankscope cannot dequantise");
            }
            long[] shape = new long[nDims];
            for (int d = 0; d < nDims; d++) {
                shape[d] = ne[nDims - 1 - d];
            }
            long numel = Shapes.numel(file, name, shape);
            if (nDims > 0 && ne[0] % type.elementsPerBlock() != 0) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "tensor '" + name + "' rows of " + ne[0]
                        + " elements are not whole " + type + " blocks of " + type.elementsPerBlock());
            }
            long bytes = Shapes.byteSize(file, name, type, numel);
            pending.add(new Pending(name, shape, type, offset, bytes));
        }
        long dataStart = align(r.position(), alignment);
        metadata.put("gguf.alignment", Long.toString(alignment));
        List<long[]> ranges = new ArrayList<>();
        for (Pending p : pending) {
            if (p.offset < 0 || p.offset % alignment != 0) {
                throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "tensor '" + p.name + "' offset "
                        + Long.toUnsignedString(p.offset) + " is not a multiple of the alignment " + alignment);
            }
            if (p.offset > r.size - dataStart || p.bytes > r.size - dataStart - p.offset) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, "tensor '" + p.name + "' data (" + p.bytes
                        + " bytes at " + (dataStart + p.offset) + ") runs past the end of the file (" + r.size + " bytes)");
            }
            ranges.add(new long[] {p.offset, p.offset + p.bytes});
            add(new TensorInfo(p.name, p.type, p.shape, p.bytes),
                    new Location(file, dataStart + p.offset, p.type, ByteOrder.LITTLE_ENDIAN));
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 1; i < ranges.size(); i++) {
            if (ranges.get(i)[0] < ranges.get(i - 1)[1]) {
                throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "tensor data ranges overlap");
            }
        }
    }

    private static long align(long x, long alignment) {
        return (x + alignment - 1) / alignment * alignment;
    }

    /** Reads one KV value of {@code type} and renders it; arrays are summarised. */
    private String value(Reader r, int type, int depth) throws IOException {
        switch (type) {
            case 0: return Integer.toString(r.u8());
            case 1: return Integer.toString((byte) r.u8());
            case 2: return Integer.toString(r.u16());
            case 3: return Integer.toString((short) r.u16());
            case 4: return Integer.toUnsignedString(r.u32());
            case 5: return Integer.toString(r.u32());
            case 6: return Float.toString(Float.intBitsToFloat(r.u32()));
            case 7: return Boolean.toString(r.u8() != 0);
            case 8: {
                String s = r.string();
                return s.length() > MAX_STRING_SHOWN ? s.substring(0, MAX_STRING_SHOWN) + "… (" + s.length() + " chars)" : s;
            }
            case 10: return Long.toUnsignedString(r.u64());
            case 11: return Long.toString(r.u64());
            case 12: return Double.toString(Double.longBitsToDouble(r.u64()));
            case 9: {
                if (depth > 4) {
                    throw new CheckpointFormatException(path(), Category.MALFORMED_HEADER, "GGUF arrays nest too deeply");
                }
                int elemType = r.u32();
                long count = r.u64();
                int minSize = switch (elemType) {
                    case 0, 1, 7 -> 1;
                    case 2, 3 -> 2;
                    case 4, 5, 6 -> 4;
                    case 8, 10, 11, 12 -> 8;
                    case 9 -> 12;
                    default -> throw new CheckpointFormatException(path(), Category.MALFORMED_HEADER, "unknown GGUF value type " + elemType);
                };
                if (count < 0 || count > r.size) {
                    throw new CheckpointFormatException(path(), Category.TOO_LARGE, "GGUF array of " + Long.toUnsignedString(count) + " items");
                }
                if (count > (r.size - r.position()) / minSize) {
                    throw new CheckpointFormatException(path(), Category.TRUNCATED, "GGUF array of " + count
                            + " items runs past the end of the file");
                }
                StringBuilder sb = new StringBuilder("[");
                for (long i = 0; i < count; i++) {
                    String v = value(r, elemType, depth + 1);
                    if (i < ARRAY_PREVIEW && count <= ARRAY_PREVIEW) {
                        sb.append(i == 0 ? "" : ", ").append(v);
                    }
                }
                if (count > ARRAY_PREVIEW) {
                    return "[" + typeName(elemType) + " array of " + count + " items]";
                }
                return sb.append(']').toString();
            }
            default:
                throw new CheckpointFormatException(path(), Category.MALFORMED_HEADER, "unknown GGUF value type " + Integer.toUnsignedString(type));
        }
    }

    private static String typeName(int t) {
        return switch (t) {
            case 0 -> "u8";
            case 1 -> "i8";
            case 2 -> "u16";
            case 3 -> "i16";
            case 4 -> "u32";
            case 5 -> "i32";
            case 6 -> "f32";
            case 7 -> "bool";
            case 8 -> "string";
            case 9 -> "array";
            case 10 -> "u64";
            case 11 -> "i64";
            default -> "f64";
        };
    }

    @Override
    public String format() {
        return "gguf";
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** Buffered sequential little-endian reader over the header, bounded by the file size. */
    private static final class Reader {
        private final Path file;
        private final FileChannel ch;
        private final long size;
        private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        private long bufStart;

        Reader(Path file, FileChannel ch) throws IOException {
            this.file = file;
            this.ch = ch;
            this.size = ch.size();
            buf.limit(0);
        }

        long position() {
            return bufStart + buf.position();
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            long pos = position();
            if (pos + n > size) {
                throw new EOFException();
            }
            buf.compact(); // buffer index 0 now holds file byte pos
            bufStart = pos;
            while (buf.position() < n) {
                if (ch.read(buf, pos + buf.position()) < 0) {
                    throw new EOFException();
                }
            }
            buf.flip();
        }

        int u8() throws IOException {
            need(1);
            return buf.get() & 0xFF;
        }

        int u16() throws IOException {
            need(2);
            return buf.getShort() & 0xFFFF;
        }

        int u32() throws IOException {
            need(4);
            return buf.getInt();
        }

        long u64() throws IOException {
            need(8);
            return buf.getLong();
        }

        String string() throws IOException {
            long len = u64();
            if (len < 0 || len > MAX_STRING) {
                throw new CheckpointFormatException(file, Category.TOO_LARGE, "GGUF string of " + Long.toUnsignedString(len) + " bytes");
            }
            if (len > size - position()) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, "GGUF string of " + len
                        + " bytes runs past the end of the file");
            }
            byte[] b = new byte[(int) len];
            int done = 0;
            while (done < len) {
                int chunk = (int) Math.min(len - done, buf.capacity());
                need(chunk);
                buf.get(b, done, chunk);
                done += chunk;
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
