package dev.rankscope.tests.hostile.gen;

import java.nio.charset.StandardCharsets;

/**
 * Writes pickle opcodes (protocol 2, as {@code torch.save} does) for PyTorch state dicts and for
 * hostile pickles that would run code if a careless unpickler executed them. Opcode bytes follow
 * CPython's {@code pickletools}.
 */
public final class PickleBytes {
    private final Bytes b = new Bytes();
    private int memo;

    public PickleBytes proto(int v) {
        b.u8(0x80).u8(v);
        return this;
    }

    /** GLOBAL {@code module\nname\n} followed by BINPUT. */
    public PickleBytes global(String module, String name) {
        b.u8('c').ascii(module + "\n" + name + "\n");
        return put();
    }

    /** STACK_GLOBAL with two BINUNICODE strings. */
    public PickleBytes stackGlobal(String module, String name) {
        return str(module).str(name).op(0x93);
    }

    /** BINUNICODE. */
    public PickleBytes str(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.u8('X').u32(u.length).bytes(u);
        return this;
    }

    /** BINUNICODE whose length field claims {@code declared} bytes but carries {@code s}. */
    public PickleBytes lyingStr(long declared, String s) {
        b.u8('X').u32(declared).utf8(s);
        return this;
    }

    /** BININT1 / BININT depending on size. */
    public PickleBytes integer(long v) {
        if (v >= 0 && v < 256) {
            b.u8('K').u8((int) v);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            b.u8('J').u32(v);
        } else {
            b.u8(0x8a).u8(8).u64(v); // LONG1, 8 bytes little-endian two's complement
        }
        return this;
    }

    public PickleBytes mark() {
        return op('(');
    }

    public PickleBytes tuple() {
        return op('t');
    }

    public PickleBytes emptyTuple() {
        return op(')');
    }

    public PickleBytes reduce() {
        return op('R');
    }

    public PickleBytes stop() {
        return op('.');
    }

    /** Any single opcode byte. */
    public PickleBytes op(int opcode) {
        b.u8(opcode);
        return this;
    }

    /** BINPUT of the next memo slot (mod 256, as small pickles do). */
    public PickleBytes put() {
        b.u8('q').u8(memo++ & 0xFF);
        return this;
    }

    /** {@code size} as a tuple: TUPLE1/2/3 or MARK…TUPLE. */
    public PickleBytes ints(long... values) {
        if (values.length == 0) {
            return emptyTuple();
        }
        if (values.length > 3) {
            mark();
        }
        for (long v : values) {
            integer(v);
        }
        return op(switch (values.length) {
            case 1 -> 0x85;
            case 2 -> 0x86;
            case 3 -> 0x87;
            default -> 't';
        });
    }

    /** {@code collections.OrderedDict()}: GLOBAL, EMPTY_TUPLE, REDUCE. */
    public PickleBytes orderedDict() {
        return global("collections", "OrderedDict").emptyTuple().reduce().put();
    }

    /**
     * A {@code torch._utils._rebuild_tensor_v2} call: persistent id
     * {@code ('storage', torch.<storageType>, key, 'cpu', numel)}, offset, size, stride.
     */
    public PickleBytes tensor(String storageType, String key, long storageNumel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageType).str(key).str("cpu").integer(storageNumel).tuple();
        op('Q'); // BINPERSID
        integer(offset).ints(size).ints(stride).op(0x89); // NEWFALSE: requires_grad
        orderedDict(); // backward hooks
        tuple().reduce().put();
        return this;
    }

    public byte[] toArray() {
        return b.toArray();
    }

    /** A full state-dict pickle: {@code OrderedDict{name_i: tensor_i}} over F32 storages "0", "1", … */
    public static byte[] stateDict(String[] names, long[][] shapes) {
        PickleBytes p = new PickleBytes().proto(2).orderedDict().mark();
        for (int i = 0; i < names.length; i++) {
            long numel = 1;
            for (long d : shapes[i]) {
                numel *= d;
            }
            p.str(names[i]).tensor("FloatStorage", Integer.toString(i), numel, 0, shapes[i], strides(shapes[i]));
        }
        return p.op('u').stop().toArray(); // SETITEMS, STOP
    }

    /** C-order strides of {@code shape}. */
    public static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(1, shape[i]);
        }
        return s;
    }

    /** {@code module.name(arg)} — a pickle that runs {@code arg} through the callable when unpickled. */
    public static byte[] call(String module, String name, String arg) {
        return new PickleBytes().proto(2).global(module, name).mark().str(arg).tuple().reduce().stop().toArray();
    }

    /** The same call through STACK_GLOBAL (protocol 4 style), which some filters miss. */
    public static byte[] stackGlobalCall(String module, String name, String arg) {
        return new PickleBytes().proto(4).stackGlobal(module, name).mark().str(arg).tuple().reduce().stop().toArray();
    }

    /** {@code subprocess.Popen(['sh', '-c', cmd])}. */
    public static byte[] popen(String cmd) {
        return new PickleBytes().proto(2).global("subprocess", "Popen").mark()
                .op(']').mark().str("sh").str("-c").str(cmd).op('e') // EMPTY_LIST, MARK, …, APPENDS
                .tuple().reduce().stop().toArray();
    }
}
