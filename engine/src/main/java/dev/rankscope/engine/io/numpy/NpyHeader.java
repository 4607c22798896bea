package dev.rankscope.engine.io.numpy;

import dev.rankscope.engine.io.Shapes;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a NumPy {@code .npy} file (SPEC §6), versions 1.0–3.0:
 * {@code \x93NUMPY}, major, minor, header length (u16 LE in v1, u32 LE in v2/v3), then a Python
 * dict literal {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }}. The literal is
 * parsed by a tiny tokenizer that accepts only strings, integers, booleans, tuples, lists and
 * dicts: nothing is evaluated. Object arrays ({@code descr} 'O') are refused as UNSAFE because
 * NumPy stores them as pickles.
 *
 * @param dtype       element type
 * @param order       byte order of the elements ('&lt;' or '|' little, '&gt;' big)
 * @param fortran     true when the data is column-major
 * @param shape       dimensions (outermost first, as NumPy reports them)
 * @param dataOffset  offset of the first data byte from the start of the .npy bytes
 */
public record NpyHeader(DType dtype, ByteOrder order, boolean fortran, long[] shape, long dataOffset) {
    /** The six magic bytes. */
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Largest header accepted (NumPy itself refuses more than 10 000 bytes by default). */
    static final int MAX_HEADER = 1 << 20;

    public NpyHeader {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Whether {@code head} starts with the .npy magic. */
    public static boolean hasMagic(byte[] head) {
        if (head.length < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (head[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Bytes of the fixed prefix (magic, version, length field) for the version in {@code head}. */
    static int prefixLength(Path file, byte[] head) {
        if (!hasMagic(head) || head.length < 10) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "not a .npy array (magic \\x93NUMPY missing)");
        }
        int major = head[6] & 0xFF;
        return switch (major) {
            case 1 -> 10;
            case 2, 3 -> 12;
            default -> throw new CheckpointFormatException(file, Category.UNSUPPORTED, ".npy format version " + major
                    + "." + (head[7] & 0xFF) + " is not supported (1.0–3.0 are)");
        };
    }

    /** Total header bytes (prefix + dict) declared by {@code head}, which must hold the prefix. */
    static long totalHeaderLength(Path file, byte[] head) {
        int prefix = prefixLength(file, head);
        if (head.length < prefix) {
            throw new CheckpointFormatException(file, Category.TRUNCATED, ".npy header is cut short");
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long len = prefix == 10 ? b.getShort(8) & 0xFFFF : b.getInt(8) & 0xFFFFFFFFL;
        if (len > MAX_HEADER) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE, ".npy header declares " + len
                    + " bytes, more than the limit of " + MAX_HEADER);
        }
        return prefix + len;
    }

    /**
     * Parses the header held in {@code bytes} (the first {@link #totalHeaderLength} bytes or more).
     *
     * @param what name used in messages (file or npz entry)
     */
    public static NpyHeader parse(Path file, String what, byte[] bytes) {
        long total = totalHeaderLength(file, bytes);
        if (bytes.length < total) {
            throw new CheckpointFormatException(file, Category.TRUNCATED, what + ": .npy header is cut short");
        }
        int prefix = prefixLength(file, bytes);
        boolean utf8 = (bytes[6] & 0xFF) >= 3;
        String text = new String(bytes, prefix, (int) (total - prefix),
                utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Object parsed = new Literal(file, what, text).parseTop();
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, what + ": .npy header is not a dict");
        }
        Object descr = dict.get("descr");
        Object fortranValue = dict.get("fortran_order");
        Object shapeValue = dict.get("shape");
        if (!(descr instanceof String d)) {
            throw new CheckpointFormatException(file, descr instanceof List ? Category.UNSUPPORTED : Category.MALFORMED_HEADER,
                    what + ": " + (descr instanceof List ? "structured arrays are not supported" : ".npy header has no 'descr' string"));
        }
        if (!(fortranValue instanceof Boolean fortran)) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, what + ": .npy header has no boolean 'fortran_order'");
        }
        if (!(shapeValue instanceof List<?> dims)) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, what + ": .npy header has no 'shape' tuple");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long v)) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, what + ": shape entries must be integers");
            }
            shape[i] = v;
        }
        Shapes.numel(file, what, shape);
        ByteOrder order = d.startsWith(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        return new NpyHeader(dtype(file, what, d), order, fortran, shape, total);
    }

    private static DType dtype(Path file, String what, String descr) {
        String s = descr;
        if (!s.isEmpty() && "<>|=".indexOf(s.charAt(0)) >= 0) {
            s = s.substring(1);
        }
        if (s.startsWith("O")) {
            throw new CheckpointFormatException(file, Category.UNSAFE, what + ": object array (descr '" + descr
                    + "') is stored as a pickle, which would execute code; refusing to read it");
        }
        DType t = switch (s) {
            case "f2" -> DType.F16;
            case "f4" -> DType.F32;
            case "f8" -> DType.F64;
            case "i1" -> DType.I8;
            case "i2" -> DType.I16;
            case "i4" -> DType.I32;
            case "i8" -> DType.I64;
            case "u1" -> DType.U8;
            case "u2" -> DType.U16;
            case "u4" -> DType.U32;
            case "u8" -> DType.U64;
            case "b1", "?" -> DType.BOOL;
            default -> null;
        };
        if (t == null) {
            throw new CheckpointFormatException(file, Category.UNSUPPORTED, what + ": NumPy dtype '" + descr
                    + "' is not supported (floats, ints, uints and bools are)");
        }
        return t;
    }

    /** Parser for the restricted Python literal grammar of .npy headers. Evaluates nothing. */
    private static final class Literal {
        private final Path file;
        private final String what;
        private final String s;
        private int p;
        private int depth;

        Literal(Path file, String what, String s) {
            this.file = file;
            this.what = what;
            this.s = s;
        }

        Object parseTop() {
            Object v = value();
            skipSpace();
            if (p != s.length()) {
                throw error("unexpected text after the header dict");
            }
            return v;
        }

        private Object value() {
            skipSpace();
            if (p >= s.length()) {
                throw error("header ends early");
            }
            if (++depth > 32) {
                throw error("header nests too deeply");
            }
            try {
                char c = s.charAt(p);
                if (c == '{') {
                    p++;
                    Map<Object, Object> m = new LinkedHashMap<>();
                    while (true) {
                        skipSpace();
                        if (peek('}')) {
                            p++;
                            return m;
                        }
                        Object k = value();
                        skipSpace();
                        expect(':');
                        m.put(k, value());
                        skipSpace();
                        if (peek(',')) {
                            p++;
                        } else {
                            skipSpace();
                            expect('}');
                            return m;
                        }
                    }
                }
                if (c == '(' || c == '[') {
                    char close = c == '(' ? ')' : ']';
                    p++;
                    List<Object> l = new ArrayList<>();
                    while (true) {
                        skipSpace();
                        if (peek(close)) {
                            p++;
                            return l;
                        }
                        l.add(value());
                        skipSpace();
                        if (peek(',')) {
                            p++;
                        } else {
                            expect(close);
                            return l;
                        }
                    }
                }
                if (c == '\'' || c == '"') {
                    int end = s.indexOf(c, p + 1);
                    if (end < 0) {
                        throw error("unterminated string");
                    }
                    String v = s.substring(p + 1, end);
                    if (v.indexOf('\\') >= 0) {
                        throw error("escapes in strings are not supported");
                    }
                    p = end + 1;
                    return v;
                }
                if (s.startsWith("True", p)) {
                    p += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("False", p)) {
                    p += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("None", p)) {
                    p += 4;
                    return "None";
                }
                int start = p;
                if (c == '-' || c == '+') {
                    p++;
                }
                while (p < s.length() && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                if (p == start || (p == start + 1 && !Character.isDigit(s.charAt(start)))) {
                    throw error("unexpected character '" + c + "'");
                }
                String digits = s.substring(start, p);
                if (p < s.length() && (s.charAt(p) == 'L' || s.charAt(p) == 'l')) {
                    p++;
                }
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw error("integer " + digits + " out of range");
                }
            } finally {
                depth--;
            }
        }

        private boolean peek(char c) {
            return p < s.length() && s.charAt(p) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            p++;
        }

        private void skipSpace() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }

        private CheckpointFormatException error(String problem) {
            return new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    what + ": .npy header " + problem + " at character " + p);
        }
    }
}
