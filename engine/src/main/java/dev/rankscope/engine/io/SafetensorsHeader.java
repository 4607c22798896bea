package dev.rankscope.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parsed and fully validated header of one safetensors file (SPEC §6):
 * {@code [u64 LE N][N bytes UTF-8 JSON][data]}.
 *
 * <p>{@link #read(Path)} checks, in this order, each failure a {@link CheckpointFormatException}
 * naming the file: the file holds the 8-byte length (TRUNCATED); {@code N ≤ 100,000,000}
 * (TOO_LARGE) and {@code N ≤ size − 8} (TRUNCATED); the header is valid UTF-8, starts with
 * {@code '{'} and is one JSON object followed only by whitespace (MALFORMED_HEADER); nesting,
 * name lengths, entry and dimension counts stay within fixed limits (TOO_LARGE); no tensor name
 * appears twice (DUPLICATE_NAME); each entry has a known dtype (UNSUPPORTED, naming the dtype),
 * a shape of non-negative integers whose element count and byte size fit a long and
 * {@code data_offsets [b, e]} with {@code b ≤ e} (BAD_OFFSETS) and {@code e − b = numel·bits/8}
 * (SIZE_MISMATCH); sorted by begin the ranges are contiguous from 0 (BAD_OFFSETS); and
 * {@code 8 + N + last_end} equals the file size (TRUNCATED if the file is shorter, BAD_OFFSETS
 * if bytes trail). {@code __metadata__} must map strings to strings. Zero-sized tensors are valid.
 *
 * @param file         the file the header came from
 * @param headerLength N, the JSON length in bytes including padding
 * @param fileSize     size of the file in bytes
 * @param entries      tensors in data order (sorted by begin offset; header order breaks ties)
 * @param metadata     the {@code __metadata__} map, in header order (empty when absent)
 * @param headerSha256 lower-case hex SHA-256 of the N header bytes (used as a plan's source fingerprint, SPEC §5)
 */
public record SafetensorsHeader(Path file, long headerLength, long fileSize, List<Entry> entries,
                                Map<String, String> metadata, String headerSha256) {

    /** Largest accepted header, SPEC §6. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** Most tensors one header may declare (a 100 MB header holds fewer than ~2 million). */
    public static final int MAX_ENTRIES = 1_000_000;
    /** Most dimensions one tensor may declare. */
    public static final int MAX_DIMS = 64;
    /** Deepest JSON nesting accepted (a valid header needs 3). */
    public static final int MAX_NESTING = 32;
    /** Longest tensor or metadata key, in characters. */
    public static final int MAX_NAME_CHARS = 65_536;

    /** Element types the safetensors format defines (SPEC §6); ggml block types are not among them. */
    public static final Set<DType> SAFETENSORS_DTYPES = Set.copyOf(EnumSet.of(DType.BOOL, DType.U8, DType.I8,
            DType.F8_E5M2, DType.F8_E4M3, DType.I16, DType.U16, DType.F16, DType.BF16, DType.I32, DType.U32,
            DType.F32, DType.I64, DType.U64, DType.F64));

    private static final String METADATA_KEY = "__metadata__";

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING)
                    .maxNameLength(MAX_NAME_CHARS)
                    .maxNumberLength(64)
                    .maxStringLength((int) MAX_HEADER_BYTES)
                    .build())
            .build();

    /**
     * One tensor entry.
     *
     * @param name  tensor name
     * @param dtype element type
     * @param shape dimensions, outermost first (copied defensively)
     * @param begin start of the data, relative to the data section ({@code 8 + N})
     * @param end   end (exclusive), relative to the data section
     */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public Entry {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long byteSize() {
            return end - begin;
        }

        public TensorInfo info() {
            return new TensorInfo(name, dtype, shape, end - begin);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && e.name.equals(name) && e.dtype == dtype && Arrays.equals(e.shape, shape)
                    && e.begin == begin && e.end == end;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Long.hashCode(begin);
        }

        @Override
        public String toString() {
            return name + " " + dtype + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
        }
    }

    public SafetensorsHeader {
        entries = List.copyOf(entries);
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Absolute file offset of the data section, {@code 8 + N}. */
    public long dataStart() {
        return 8 + headerLength;
    }

    /** Reads and validates the header of {@code file} (see the class comment for every rule). */
    public static SafetensorsHeader read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch.size(), (position, dst) -> {
                ByteBuffer buf = readFully(ch, position, dst.length, file);
                buf.get(dst);
            });
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(file, Category.IO, "file not found", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Positional reads of a file held elsewhere (a Hadoop stream, a remote object). */
    @FunctionalInterface
    public interface RangeReader {
        /** Fills {@code dst} with the bytes at {@code position}; throws when the file is shorter. */
        void readFully(long position, byte[] dst) throws IOException;
    }

    /**
     * {@link #read(Path)} for a file reached through {@code reader}: the same length checks, then
     * {@link #parse}. {@code file} names the file in messages.
     */
    public static SafetensorsHeader read(Path file, long size, RangeReader reader) throws IOException {
        if (size < 8) {
            throw new CheckpointFormatException(file, Category.TRUNCATED,
                    "file is " + size + " bytes, too short for the 8-byte safetensors header length");
        }
        byte[] len = new byte[8];
        reader.readFully(0, len);
        long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 0 || n > MAX_HEADER_BYTES) {
            // both numbers grouped alike ("header length 1000000000000 exceeds the 100,000,000-byte limit" read oddly)
            BigInteger length = new BigInteger(Long.toUnsignedString(n));
            throw new CheckpointFormatException(file, Category.TOO_LARGE,
                    String.format(Locale.ROOT, "header length %,d bytes exceeds the 100,000,000-byte limit", length));
        }
        if (n > size - 8) {
            throw new CheckpointFormatException(file, Category.TRUNCATED, "header length " + n
                    + " exceeds the file size (" + size + " bytes)");
        }
        byte[] json = new byte[(int) n];
        reader.readFully(8, json);
        return parse(file, json, size);
    }

    /**
     * Validates a header already read: {@code json} holds the N header bytes, {@code fileSize}
     * the size of the whole file. Public for tools that read headers from elsewhere (e.g. a
     * remote range request); {@link #read(Path)} is the usual entry point.
     */
    public static SafetensorsHeader parse(Path file, byte[] json, long fileSize) {
        return parse(file, json, fileSize, MAX_ENTRIES);
    }

    /** {@link #parse(Path, byte[], long)} with an explicit entry limit (tests use a small one). */
    static SafetensorsHeader parse(Path file, byte[] json, long fileSize, int maxEntries) {
        requireUtf8(file, json);
        if (json.length == 0 || json[0] != '{') {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    "header does not start with '{' (not a safetensors JSON header)");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            parseRoot(file, p, entries, metadata, maxEntries);
        } catch (StreamConstraintsException e) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE,
                    "header exceeds a structural limit: " + firstLine(e.getOriginalMessage()), e);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    "header is not valid JSON: " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "header cannot be parsed: " + e.getMessage(), e);
        }
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        for (Entry e : sorted) {
            if (e.begin() != expected) {
                throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "tensor '" + e.name()
                        + "' starts at data offset " + e.begin() + " but the previous tensor ends at " + expected
                        + (e.begin() > expected ? " (a hole)" : " (an overlap)"));
            }
            expected = e.end();
        }
        long available = fileSize - 8 - json.length;
        if (expected > available) {
            throw new CheckpointFormatException(file, Category.TRUNCATED, "tensor data needs " + expected
                    + " bytes but the file holds only " + available + " after the header (file truncated?)");
        }
        if (expected < available) {
            throw new CheckpointFormatException(file, Category.BAD_OFFSETS, (available - expected)
                    + " bytes trail the last tensor (8 + N + last_end = " + (8 + json.length + expected)
                    + " but the file has " + fileSize + " bytes)");
        }
        return new SafetensorsHeader(file, json.length, fileSize, sorted, metadata, sha256(json));
    }

    private static void parseRoot(Path file, JsonParser p, List<Entry> entries, Map<String, String> metadata,
                                  int maxEntries) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw malformed(file, "header is not a JSON object");
        }
        Set<String> names = new HashSet<>();
        boolean seenMetadata = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (METADATA_KEY.equals(name)) {
                if (seenMetadata) {
                    throw malformed(file, "'__metadata__' appears twice");
                }
                seenMetadata = true;
                parseMetadata(file, p, value, metadata);
                continue;
            }
            if (!names.add(name)) {
                throw new CheckpointFormatException(file, Category.DUPLICATE_NAME,
                        "tensor name '" + name + "' appears twice in the header");
            }
            if (names.size() > maxEntries) {
                throw new CheckpointFormatException(file, Category.TOO_LARGE,
                        "header declares more than " + maxEntries + " tensors");
            }
            entries.add(parseEntry(file, p, value, name));
        }
        if (t != JsonToken.END_OBJECT) {
            throw malformed(file, "header JSON is incomplete");
        }
        JsonToken trailing = p.nextToken();
        if (trailing != null) {
            throw malformed(file, "content follows the header object (only space padding is allowed)");
        }
    }

    private static void parseMetadata(Path file, JsonParser p, JsonToken value, Map<String, String> metadata)
            throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw malformed(file, "'__metadata__' must be an object of strings");
        }
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw malformed(file, "'__metadata__' value for '" + key + "' is not a string");
            }
            if (metadata.put(key, p.getText()) != null) {
                throw malformed(file, "'__metadata__' key '" + key + "' appears twice");
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw malformed(file, "'__metadata__' is incomplete");
        }
    }

    private static Entry parseEntry(Path file, JsonParser p, JsonToken value, String name) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            throw malformed(file, "entry for tensor '" + name + "' is not an object");
        }
        String declaredDtype = null;
        long[] shape = null;
        long[] offsets = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "dtype" -> {
                    if (declaredDtype != null) {
                        throw malformed(file, "tensor '" + name + "' has two 'dtype' fields");
                    }
                    if (v != JsonToken.VALUE_STRING) {
                        throw malformed(file, "tensor '" + name + "' has a non-string dtype");
                    }
                    declaredDtype = p.getText();
                }
                case "shape" -> {
                    if (shape != null) {
                        throw malformed(file, "tensor '" + name + "' has two 'shape' fields");
                    }
                    shape = longArray(file, p, v, name, "shape", Category.SIZE_MISMATCH);
                }
                case "data_offsets" -> {
                    if (offsets != null) {
                        throw malformed(file, "tensor '" + name + "' has two 'data_offsets' fields");
                    }
                    offsets = longArray(file, p, v, name, "data_offsets", Category.BAD_OFFSETS);
                }
                default -> p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw malformed(file, "entry for tensor '" + name + "' is incomplete");
        }
        if (declaredDtype == null || shape == null || offsets == null) {
            throw malformed(file, "tensor '" + name + "' lacks "
                    + (declaredDtype == null ? "'dtype'" : shape == null ? "'shape'" : "'data_offsets'"));
        }
        String dtypeName = declaredDtype;
        DType dtype = DType.parse(dtypeName).filter(SAFETENSORS_DTYPES::contains).orElseThrow(() ->
                new CheckpointFormatException(file, Category.UNSUPPORTED, "tensor '" + name + "' has dtype '"
                        + dtypeName + "', which Rankscope cannot read"));
        long numel = 1;
        for (long d : shape) {
            try {
                numel = Math.multiplyExact(numel, d);
            } catch (ArithmeticException overflow) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "tensor '" + name
                        + "' shape " + Arrays.toString(shape) + " has more elements than fit in 64 bits");
            }
        }
        long bytes = dtype.byteSize(numel);
        if (bytes < 0) {
            throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "tensor '" + name
                    + "' shape " + Arrays.toString(shape) + " needs more bytes than fit in 64 bits");
        }
        if (offsets.length != 2) {
            throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "tensor '" + name
                    + "' data_offsets must be [begin, end], found " + offsets.length + " numbers");
        }
        if (offsets[0] > offsets[1]) {
            throw new CheckpointFormatException(file, Category.BAD_OFFSETS, "tensor '" + name
                    + "' data_offsets [" + offsets[0] + ", " + offsets[1] + "] end before they begin");
        }
        if (offsets[1] - offsets[0] != bytes) {
            throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "tensor '" + name + "' is "
                    + dtype + " " + Arrays.toString(shape) + " = " + bytes + " bytes but data_offsets span "
                    + (offsets[1] - offsets[0]));
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** An array of non-negative integers; negatives or out-of-range values are {@code negative}'s category. */
    private static long[] longArray(Path file, JsonParser p, JsonToken v, String name, String field,
                                    Category negative) throws IOException {
        if (v != JsonToken.START_ARRAY) {
            throw malformed(file, "tensor '" + name + "' " + field + " is not an array");
        }
        long[] out = new long[4];
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.VALUE_NUMBER_INT) {
                throw malformed(file, "tensor '" + name + "' " + field + " holds a non-integer");
            }
            if (n == MAX_DIMS) {
                throw new CheckpointFormatException(file, Category.TOO_LARGE,
                        "tensor '" + name + "' " + field + " has more than " + MAX_DIMS + " entries");
            }
            JsonParser.NumberType nt = p.getNumberType();
            if (nt != JsonParser.NumberType.INT && nt != JsonParser.NumberType.LONG) {
                throw new CheckpointFormatException(file, negative,
                        "tensor '" + name + "' " + field + " value " + p.getText() + " does not fit in 64 bits");
            }
            long x = p.getLongValue();
            if (x < 0) {
                throw new CheckpointFormatException(file, negative,
                        "tensor '" + name + "' " + field + " holds a negative value " + x);
            }
            if (n == out.length) {
                out = Arrays.copyOf(out, n * 2);
            }
            out[n++] = x;
        }
        return Arrays.copyOf(out, n);
    }

    private static void requireUtf8(Path file, byte[] json) {
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(json);
        CharBuffer out = CharBuffer.allocate(8192);
        try {
            while (true) {
                CoderResult r = dec.decode(in, out, true);
                if (r.isError()) {
                    r.throwException();
                }
                out.clear();
                if (r.isUnderflow()) {
                    break;
                }
            }
            CoderResult r = dec.flush(out);
            if (r.isError()) {
                r.throwException();
            }
        } catch (CharacterCodingException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    "header is not valid UTF-8 (bad byte near offset " + (8 + in.position()) + ")", e);
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, "file ends inside the header");
            }
        }
        return buf.flip();
    }

    private static CheckpointFormatException malformed(Path file, String problem) {
        return new CheckpointFormatException(file, Category.MALFORMED_HEADER, problem);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
