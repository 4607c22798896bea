package dev.rankscope.engine.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Emits pickle opcodes one by one, the way CPython's {@code pickle.Pickler} (protocol 2, as used
 * by {@code torch.save}) lays them out, including memoisation of globals and strings with
 * BINPUT/BINGET. Tests use it both for faithful torch pickles and for hostile ones
 * ({@code os.system}, {@code builtins.eval}, ...). Test code only.
 */
public final class PickleBuilder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, Integer> memo = new HashMap<>();

    public PickleBuilder proto(int p) {
        return op(0x80).op(p);
    }

    public PickleBuilder op(int b) {
        out.write(b);
        return this;
    }

    public PickleBuilder raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** GLOBAL 'c' module\nname\n, memoised like CPython (BINGET when seen before). */
    public PickleBuilder global(String module, String name) {
        String key = "G:" + module + "\n" + name;
        if (memo.containsKey(key)) {
            return get(memo.get(key));
        }
        op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return put(key);
    }

    /** Protocol-4 style STACK_GLOBAL with two SHORT_BINUNICODE strings. */
    public PickleBuilder stackGlobal(String module, String name) {
        return shortUnicode(module).shortUnicode(name).op(0x93);
    }

    /** BINUNICODE, memoised. */
    public PickleBuilder str(String s) {
        String key = "S:" + s;
        if (memo.containsKey(key)) {
            return get(memo.get(key));
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').int32(b.length).raw(b);
        return put(key);
    }

    public PickleBuilder shortUnicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return op(0x8c).op(b.length).raw(b);
    }

    /** CPython's save_long choice: BININT1, BININT2, BININT or LONG1. */
    public PickleBuilder integer(long v) {
        if (v >= 0 && v < 256) {
            return op('K').op((int) v);
        }
        if (v >= 0 && v < 65536) {
            return op('M').op((int) (v & 0xFF)).op((int) (v >>> 8));
        }
        if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return op('J').int32((int) v);
        }
        byte[] le = new byte[8];
        for (int i = 0; i < 8; i++) {
            le[i] = (byte) (v >>> (8 * i));
        }
        return op(0x8a).op(8).raw(le);
    }

    public PickleBuilder bool(boolean b) {
        return op(b ? 0x88 : 0x89);
    }

    public PickleBuilder none() {
        return op('N');
    }

    public PickleBuilder mark() {
        return op('(');
    }

    /** TUPLE after MARK, memoised (CPython memoises tuples). */
    public PickleBuilder tuple() {
        op('t');
        return putAnon();
    }

    public PickleBuilder tupleN(int n) {
        op(n == 0 ? ')' : 0x84 + n);
        return n == 0 ? this : putAnon();
    }

    public PickleBuilder reduce() {
        op('R');
        return putAnon();
    }

    public PickleBuilder emptyDict() {
        op('}');
        return putAnon();
    }

    public PickleBuilder setitems() {
        return op('u');
    }

    public PickleBuilder build() {
        return op('b');
    }

    public PickleBuilder binpersid() {
        return op('Q');
    }

    public PickleBuilder stop() {
        return op('.');
    }

    public byte[] toBytes() {
        return out.toByteArray();
    }

    private PickleBuilder int32(int v) {
        return op(v & 0xFF).op((v >>> 8) & 0xFF).op((v >>> 16) & 0xFF).op((v >>> 24) & 0xFF);
    }

    private PickleBuilder put(String key) {
        int id = memo.size();
        memo.put(key, id);
        return binput(id);
    }

    private PickleBuilder putAnon() {
        int id = memo.size();
        memo.put("#" + id, id);
        return binput(id);
    }

    private PickleBuilder binput(int id) {
        return id < 256 ? op('q').op(id) : op('r').int32(id);
    }

    private PickleBuilder get(int id) {
        return id < 256 ? op('h').op(id) : op('j').int32(id);
    }
}
