package dev.rankscope.engine.io.torch;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pickle <em>interpreter that executes nothing</em>, for PyTorch {@code data.pkl} (SPEC §6).
 * It understands the opcodes of protocols 2–5 that {@code torch.save} emits (plus the few
 * text opcodes of protocol 0/1 that can appear in old state dicts) and builds plain Java values:
 * {@link String}, {@link Long}/{@link BigInteger}, {@link Double}, {@link Boolean},
 * {@code null} for None, {@code byte[]}, {@link List} for lists, {@link Tuple} for tuples,
 * {@link LinkedHashMap} for dicts and OrderedDicts, {@link StorageRef} for persistent ids and
 * {@link TensorRef} for rebuilt tensors.
 *
 * <p>Globals are resolved against a fixed allow-list, the same stance as
 * {@code torch.load(weights_only=True)}: {@code collections.OrderedDict},
 * {@code torch._utils._rebuild_tensor_v2 / _rebuild_tensor / _rebuild_parameter(_with_state)},
 * the {@code torch.*Storage} classes, {@code torch(.storage).UntypedStorage/TypedStorage} and
 * dtype globals such as {@code torch.float32}. Any other global ({@code os.system},
 * {@code builtins.eval}, {@code subprocess.Popen}, {@code posix.system}, user classes…) is
 * refused with {@link Category#UNSAFE} at the GLOBAL opcode itself, naming it. REDUCE, NEWOBJ,
 * INST, OBJ and BUILD are only interpreted for allowed callables; there is no path by which a
 * byte of the file reaches reflection, class loading or a process.
 *
 * <p>Not thread-safe; one instance per pickle.
 */
public final class RestrictedUnpickler {

    /** A Python tuple (immutable, usable as a dict key). */
    public record Tuple(List<Object> items) {
        public Tuple {
            items = java.util.Collections.unmodifiableList(new ArrayList<>(items));
        }

        public Object get(int i) {
            return items.get(i);
        }

        public int size() {
            return items.size();
        }
    }

    /**
     * A storage referenced by a persistent id {@code ('storage', type, key, location, numel)}.
     *
     * @param key      name of the storage's zip entry under {@code data/}
     * @param dtype    element type of the storage
     * @param location device string as saved ({@code cpu}, {@code cuda:0}); informational
     * @param numel    elements the storage holds
     */
    public record StorageRef(String key, DType dtype, String location, long numel) { }

    /**
     * A tensor rebuilt by {@code _rebuild_tensor_v2}: a strided view of a storage.
     *
     * @param storage       the storage
     * @param storageOffset element offset of element 0 in the storage
     * @param size          dimensions
     * @param stride        element strides
     */
    public record TensorRef(StorageRef storage, long storageOffset, long[] size, long[] stride) {
        public TensorRef {
            size = size.clone();
            stride = stride.clone();
        }

        @Override
        public long[] size() {
            return size.clone();
        }

        @Override
        public long[] stride() {
            return stride.clone();
        }
    }

    /** An allowed global: a callable we interpret or a storage/dtype marker. */
    private record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private static final int MAX_DEPTH_STACK = 1 << 20;

    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("ByteStorage", DType.U8), Map.entry("CharStorage", DType.I8),
            Map.entry("ShortStorage", DType.I16), Map.entry("IntStorage", DType.I32),
            Map.entry("LongStorage", DType.I64), Map.entry("BoolStorage", DType.BOOL),
            Map.entry("UntypedStorage", DType.U8));

    private static final Map<String, DType> DTYPES = Map.ofEntries(
            Map.entry("float32", DType.F32), Map.entry("float", DType.F32),
            Map.entry("float16", DType.F16), Map.entry("half", DType.F16),
            Map.entry("bfloat16", DType.BF16), Map.entry("float64", DType.F64), Map.entry("double", DType.F64),
            Map.entry("uint8", DType.U8), Map.entry("int8", DType.I8), Map.entry("int16", DType.I16),
            Map.entry("short", DType.I16), Map.entry("int32", DType.I32), Map.entry("int", DType.I32),
            Map.entry("int64", DType.I64), Map.entry("long", DType.I64), Map.entry("bool", DType.BOOL),
            Map.entry("float8_e4m3fn", DType.F8_E4M3), Map.entry("float8_e5m2", DType.F8_E5M2));

    private static final Set<String> CALLABLES = Set.of(
            "collections.OrderedDict",
            "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
            "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state");

    private final Path file;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(Path file, byte[] data) {
        this.file = file;
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Interprets {@code data} and returns the unpickled top-level value.
     *
     * @param file the checkpoint, for messages
     * @throws CheckpointFormatException UNSAFE for any global outside the allow-list;
     *                                   MALFORMED_HEADER/TRUNCATED for a broken pickle
     */
    public static Object load(Path file, byte[] data) {
        return new RestrictedUnpickler(file, data).run();
    }

    private Object run() {
        while (true) {
            if (!in.hasRemaining()) {
                throw error(Category.TRUNCATED, "pickle ends without a STOP opcode");
            }
            int op = in.get() & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw error(Category.UNSUPPORTED, "pickle protocol " + proto + " is newer than 5");
                    }
                }
                case 0x95 -> skip(8); // FRAME: framing is transparent
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw error(Category.MALFORMED_HEADER, "pickle stops with " + stack.size() + " values on the stack");
                    }
                    return stack.get(0);
                }
                case '(' -> marks.add(stack.size());
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'J' -> push((long) i32());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (u16()));
                case 0x8a -> push(longN(u8()));
                case 0x8b -> push(longN(length((i32() & 0xFFFFFFFFL))));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // big-endian by definition
                case 'I' -> push(textInt());
                case 'L' -> push(textInt());
                case 'X' -> push(utf8(length((i32() & 0xFFFFFFFFL))));
                case 0x8c -> push(utf8(u8()));
                case 0x8d -> push(utf8(length(i64())));
                case 'T' -> push(latin1(length((i32() & 0xFFFFFFFFL))));
                case 'U' -> push(latin1(u8()));
                case 'B' -> push(bytes(length((i32() & 0xFFFFFFFFL))));
                case 'C' -> push(bytes(u8()));
                case 0x8e, 0x96 -> push(bytes(length(i64())));
                case ')' -> push(new Tuple(List.of()));
                case 0x85 -> push(new Tuple(popN(1)));
                case 0x86 -> push(new Tuple(popN(2)));
                case 0x87 -> push(new Tuple(popN(3)));
                case 't' -> push(new Tuple(popMark()));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> push(dictOf(popMark()));
                case 0x8f -> push(new ArrayList<>()); // EMPTY_SET: a list is enough, we never hash sets
                case 0x91 -> push(new ArrayList<>(popMark())); // FROZENSET
                case 0x90 -> { // ADDITEMS
                    List<Object> items = popMark();
                    listAt(peek(), "ADDITEMS").addAll(items);
                }
                case 'a' -> { // APPEND
                    Object v = pop();
                    listAt(peek(), "APPEND").add(v);
                }
                case 'e' -> { // APPENDS
                    List<Object> items = popMark();
                    listAt(peek(), "APPENDS").addAll(items);
                }
                case 's' -> { // SETITEM
                    Object v = pop();
                    Object k = pop();
                    mapAt(peek(), "SETITEM").put(k, v);
                }
                case 'u' -> { // SETITEMS
                    List<Object> kv = popMark();
                    if (kv.size() % 2 != 0) {
                        throw error(Category.MALFORMED_HEADER, "SETITEMS with an odd number of values");
                    }
                    Map<Object, Object> m = mapAt(peek(), "SETITEMS");
                    for (int i = 0; i < kv.size(); i += 2) {
                        m.put(kv.get(i), kv.get(i + 1));
                    }
                }
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put((i32() & 0xFFFFFFFFL), peek());
                case 'p' -> memo.put(textInt().longValue(), peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet((i32() & 0xFFFFFFFFL)));
                case 'g' -> push(memoGet(textInt().longValue()));
                case 'c' -> push(resolve(line(), line()));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error(Category.MALFORMED_HEADER, "STACK_GLOBAL needs two strings");
                    }
                    push(resolve(m, n));
                }
                case 'Q' -> push(persistentLoad(pop()));
                case 'P' -> throw error(Category.UNSUPPORTED, "text persistent ids (protocol 0) are not supported");
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    push(call(callable, args, "REDUCE"));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = pop();
                    Object cls = pop();
                    push(call(cls, args, "NEWOBJ"));
                }
                case 0x92 -> { // NEWOBJ_EX
                    pop(); // kwargs
                    Object args = pop();
                    Object cls = pop();
                    push(call(cls, args, "NEWOBJ_EX"));
                }
                case 'o' -> { // OBJ
                    List<Object> items = popMark();
                    if (items.isEmpty()) {
                        throw error(Category.MALFORMED_HEADER, "OBJ without a class");
                    }
                    push(call(items.get(0), new Tuple(items.subList(1, items.size())), "OBJ"));
                }
                case 'i' -> { // INST
                    Object cls = resolve(line(), line());
                    push(call(cls, new Tuple(popMark()), "INST"));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    Object target = peek();
                    if (!(target instanceof Map) && !(target instanceof TensorRef)) {
                        throw error(Category.UNSAFE, "the file would set the state of a "
                                + describe(target) + " (BUILD), which only code execution could do; refusing to load it");
                    }
                    // OrderedDict._metadata and tensor attributes carry nothing we need.
                    if (state instanceof Map<?, ?> || state instanceof Tuple || state == null) {
                        continue;
                    }
                    throw error(Category.MALFORMED_HEADER, "BUILD with a " + describe(state) + " state");
                }
                case 0x82, 0x83, 0x84 -> throw error(Category.UNSAFE,
                        "the file would execute code: it references a global through the copyreg extension registry");
                case 0x97, 0x98 -> throw error(Category.UNSUPPORTED, "out-of-band pickle buffers are not supported");
                case 'F', 'S', 'V' -> throw error(Category.UNSUPPORTED, "text opcode '" + (char) op
                        + "' (pickle protocol 0) is not supported; re-save with torch ≥ 1.6");
                default -> throw error(Category.MALFORMED_HEADER, String.format("unknown pickle opcode 0x%02x at byte %d",
                        op, in.position() - 1));
            }
            if (stack.size() > MAX_DEPTH_STACK) {
                throw error(Category.TOO_LARGE, "pickle stack exceeds " + MAX_DEPTH_STACK + " values");
            }
        }
    }

    /** GLOBAL/STACK_GLOBAL: returns a marker for allowed names, refuses everything else. */
    private Object resolve(String module, String name) {
        String q = module + "." + name;
        if (CALLABLES.contains(q)) {
            return new Global(module, name);
        }
        boolean torchModule = module.equals("torch") || module.equals("torch.storage");
        if (torchModule && STORAGES.containsKey(name)) {
            return new Global(module, name);
        }
        if (torchModule && name.equals("TypedStorage")) {
            return new Global(module, name);
        }
        if (module.equals("torch") && DTYPES.containsKey(name)) {
            return new Global(module, name);
        }
        if (module.equals("torch") && (name.endsWith("Storage") || name.startsWith("complex") || name.startsWith("qint")
                || name.startsWith("quint") || name.startsWith("float8") || name.startsWith("uint"))) {
            throw error(Category.UNSUPPORTED, "tensor type torch." + name + " is not supported");
        }
        throw error(Category.UNSAFE, "the file would execute code: its pickle references the global '" + q
                + "', which is not a tensor or container type; refusing to load it (nothing was executed)");
    }

    private Object call(Object callable, Object args, String opcode) {
        if (!(callable instanceof Global g) || !CALLABLES.contains(g.qualified())) {
            throw error(Category.UNSAFE, "the file would execute code: " + opcode + " calls " + describe(callable)
                    + ", which is not an allowed constructor; refusing to load it (nothing was executed)");
        }
        if (!(args instanceof Tuple t)) {
            throw error(Category.MALFORMED_HEADER, opcode + " of " + g.qualified() + " without an argument tuple");
        }
        return switch (g.name()) {
            case "OrderedDict" -> {
                LinkedHashMap<Object, Object> m = new LinkedHashMap<>();
                if (t.size() > 0 && t.get(0) instanceof List<?> pairs) {
                    for (Object p : pairs) {
                        if (p instanceof Tuple kv && kv.size() == 2) {
                            m.put(kv.get(0), kv.get(1));
                        } else if (p instanceof List<?> kv && kv.size() == 2) {
                            m.put(kv.get(0), kv.get(1));
                        }
                    }
                } else if (t.size() > 0 && t.get(0) instanceof Map<?, ?> src) {
                    m.putAll(src);
                }
                yield m;
            }
            case "_rebuild_tensor_v2", "_rebuild_tensor" -> {
                if (t.size() < 4 || !(t.get(0) instanceof StorageRef storage)) {
                    throw error(Category.MALFORMED_HEADER, g.name() + " needs (storage, offset, size, stride, ...)");
                }
                yield new TensorRef(storage, asLong(t.get(1), "storage_offset"), longs(t.get(2), "size"),
                        longs(t.get(3), "stride"));
            }
            case "_rebuild_parameter", "_rebuild_parameter_with_state" -> {
                if (t.size() < 1 || !(t.get(0) instanceof TensorRef tensor)) {
                    throw error(Category.MALFORMED_HEADER, g.name() + " needs a tensor as its first argument");
                }
                yield tensor; // requires_grad, backward hooks and state are irrelevant to weights
            }
            default -> throw error(Category.UNSAFE, "unexpected callable " + g.qualified());
        };
    }

    /**
     * BINPERSID: {@code ('storage', storage_type, key, location, numel)}. {@code storage_type} is a
     * {@code torch.*Storage} class, a dtype global ({@code torch.float32}), or
     * {@code torch.UntypedStorage} (bytes) / {@code TypedStorage}, optionally followed by a dtype global.
     */
    private Object persistentLoad(Object pid) {
        if (!(pid instanceof Tuple t) || t.size() < 5 || !"storage".equals(t.get(0))) {
            throw error(Category.UNSUPPORTED, "persistent id " + describe(pid) + " is not a torch storage reference");
        }
        if (!(t.get(1) instanceof Global g)) {
            throw error(Category.MALFORMED_HEADER, "storage reference without a storage type");
        }
        DType dtype = STORAGES.containsKey(g.name()) ? STORAGES.get(g.name()) : DTYPES.get(g.name());
        // A generic storage class followed by a dtype global names its element type explicitly.
        if ((g.name().equals("TypedStorage") || g.name().equals("UntypedStorage")) && t.size() > 5
                && t.get(5) instanceof Global d && DTYPES.containsKey(d.name())) {
            dtype = DTYPES.get(d.name());
        }
        if (dtype == null) {
            throw error(Category.UNSUPPORTED, "storage type " + g.qualified() + " is not supported");
        }
        Object key = t.get(2);
        if (!(key instanceof String k) || k.isEmpty()) {
            throw error(Category.MALFORMED_HEADER, "storage key must be a string");
        }
        return new StorageRef(k, dtype, String.valueOf(t.get(3)), asLong(t.get(4), "storage size"));
    }

    private long[] longs(Object v, String what) {
        List<Object> items;
        if (v instanceof Tuple t) {
            items = t.items();
        } else if (v instanceof List<?> l) {
            items = new ArrayList<>(l);
        } else {
            throw error(Category.MALFORMED_HEADER, what + " must be a tuple of integers");
        }
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = asLong(items.get(i), what);
        }
        return out;
    }

    private long asLong(Object v, String what) {
        if (v instanceof Long l) {
            return l;
        }
        throw error(Category.MALFORMED_HEADER, what + " must be an integer, found " + describe(v));
    }

    private static Map<Object, Object> dictOf(List<Object> kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.size(); i += 2) {
            m.put(kv.get(i), kv.get(i + 1));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private List<Object> listAt(Object o, String op) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw error(Category.MALFORMED_HEADER, op + " on a " + describe(o));
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> mapAt(Object o, String op) {
        if (o instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error(Category.MALFORMED_HEADER, op + " on a " + describe(o));
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return g.qualified();
        }
        if (o instanceof Tuple t) {
            return "tuple of " + t.size();
        }
        return o.getClass().getSimpleName();
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) {
            throw error(Category.MALFORMED_HEADER, "pickle memo key " + key + " is not defined");
        }
        return memo.get(key);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw error(Category.MALFORMED_HEADER, "pickle stack underflow at byte " + in.position());
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        int floor = marks.isEmpty() ? 0 : marks.get(marks.size() - 1);
        if (stack.size() <= floor) {
            throw error(Category.MALFORMED_HEADER, "pickle stack empty at byte " + in.position());
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popN(int n) {
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(0, pop());
        }
        return out;
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw error(Category.MALFORMED_HEADER, "pickle MARK missing at byte " + in.position());
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> sub = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return sub;
    }

    private int u8() {
        need(1);
        return in.get() & 0xFF;
    }

    private int u16() {
        need(2);
        return in.getShort() & 0xFFFF;
    }

    private int i32() {
        need(4);
        return in.getInt();
    }

    private long i64() {
        need(8);
        return in.getLong();
    }

    private void skip(int n) {
        need(n);
        in.position(in.position() + n);
    }

    private int length(long n) {
        if (n < 0 || n > in.remaining()) {
            throw error(Category.TRUNCATED, "pickle declares " + n + " bytes but only " + in.remaining() + " remain");
        }
        return (int) n;
    }

    private void need(int n) {
        if (in.remaining() < n) {
            throw error(Category.TRUNCATED, "pickle ends inside an opcode");
        }
    }

    private byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String utf8(int n) {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String latin1(int n) {
        return new String(bytes(n), StandardCharsets.ISO_8859_1);
    }

    private Object longN(int n) {
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String line() {
        int start = in.position();
        while (in.hasRemaining()) {
            if (in.get() == '\n') {
                byte[] b = new byte[in.position() - 1 - start];
                in.get(start, b);
                return new String(b, StandardCharsets.UTF_8);
            }
            if (in.position() - start > 4096) {
                break;
            }
        }
        throw error(Category.MALFORMED_HEADER, "unterminated text line in pickle");
    }

    private Long textInt() {
        String s = line().trim();
        if (s.endsWith("L")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.equals("00")) {
            return 0L;
        }
        if (s.equals("01")) {
            return 1L;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(Category.MALFORMED_HEADER, "bad text integer '" + s + "' in pickle");
        }
    }

    private CheckpointFormatException error(Category c, String problem) {
        return new CheckpointFormatException(file, c, problem);
    }
}
