package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A {@link FileTensorSource} whose tensors may be <em>strided views</em> of a storage: element
 * {@code (i_0, …, i_{r-1})} of the view lives at storage element
 * {@code storageOffset + Σ i_k·stride_k}. This one abstraction covers PyTorch views that share a
 * storage (slices, transposes, {@code storage_offset}), NumPy {@code fortran_order} arrays
 * (strides {@code (1, d_0, d_0·d_1, …)}) and ONNX MatMul weights stored (in, out) but exposed as
 * (out, in). Views whose strides are the C-contiguous ones are registered as plain
 * {@link Location}s and read by the base class.
 *
 * <p>Storages may also live in memory (inflated zip entries, varint-decoded protobuf fields):
 * {@link #memoryFile} registers a lazily built byte array under a pseudo path that
 * {@link #read} serves instead of the disk.
 *
 * <p>Reading a non-contiguous range splits it into boxes (at most 2·rank of them), reads each
 * box's storage span in one positional read when it is at most {@link #SPAN_CAP_ELEMENTS}
 * elements, and otherwise halves the box along its largest stride first; so a transposed
 * matrix is read in a few large sequential reads, not one read per element.
 *
 * <p>Thread-safe for concurrent reads like the base class; registration happens in constructors only.
 */
public abstract class StridedTensorSource extends FileTensorSource {
    /** Largest storage span (elements) fetched by one read when gathering a strided view. */
    static final long SPAN_CAP_ELEMENTS = 1L << 20;
    /** Inner-run tile length for strided gathers. */
    private static final int GATHER_TILE = 64;

    private record View(long[] shape, long[] strides, long storageOffset, Location storage) { }

    private final Map<String, View> views = new ConcurrentHashMap<>();
    private final Map<Path, Supplier<byte[]>> memory = new ConcurrentHashMap<>();
    private final Map<Path, byte[]> memoryCache = new ConcurrentHashMap<>();
    private final Map<String, Path> memoryKeys = new ConcurrentHashMap<>();

    protected StridedTensorSource(Path path) {
        super(path);
    }

    /**
     * Registers {@code info} as a view of the storage that starts at {@code storage}.
     *
     * @param strides         element strides, one per dimension of {@code info.shape()}, all ≥ 0
     * @param storageOffset   element offset of the view's first element inside the storage
     * @param storageElements number of elements the storage holds (bounds check)
     * @throws CheckpointFormatException BAD_OFFSETS when the view reaches outside its storage
     */
    protected final void addView(TensorInfo info, Location storage, long[] strides, long storageOffset,
                                 long storageElements) {
        long[] shape = info.shape();
        if (strides.length != shape.length) {
            throw new CheckpointFormatException(storage.file(), Category.SIZE_MISMATCH, "tensor '" + info.name()
                    + "' has " + shape.length + " dimensions but " + strides.length + " strides");
        }
        long last = storageOffset;
        boolean empty = false;
        for (int i = 0; i < shape.length; i++) {
            if (strides[i] < 0 || shape[i] < 0) {
                throw new CheckpointFormatException(storage.file(), Category.BAD_OFFSETS,
                        "tensor '" + info.name() + "' has a negative stride or dimension");
            }
            empty |= shape[i] == 0;
            try {
                last = Math.addExact(last, Math.multiplyExact(Math.max(shape[i] - 1, 0), strides[i]));
            } catch (ArithmeticException overflow) {
                throw new CheckpointFormatException(storage.file(), Category.BAD_OFFSETS,
                        "tensor '" + info.name() + "' strides overflow");
            }
        }
        if (storageOffset < 0 || (!empty && last >= storageElements)) {
            throw new CheckpointFormatException(storage.file(), Category.BAD_OFFSETS, "tensor '" + info.name()
                    + "' (offset " + storageOffset + ", shape " + info.shapeString() + ") reaches element " + last
                    + " of a storage holding " + storageElements);
        }
        long esize = storage.dtype().bytesPerBlock();
        if (isContiguous(shape, strides)) {
            add(info, new Location(storage.file(), storage.offset() + storageOffset * esize, storage.dtype(), storage.order()));
        } else {
            add(info, storage);
            views.put(info.name(), new View(shape, strides.clone(), storageOffset, storage));
        }
    }

    /**
     * Registers an in-memory storage under a pseudo path (the same path for the same key);
     * {@code bytes} is called at most once, on first read, so listing never decodes data.
     */
    protected final synchronized Path memoryFile(String key, Supplier<byte[]> bytes) {
        Path known = memoryKeys.get(key);
        if (known != null) {
            return known;
        }
        // A numbered pseudo name: keys such as "onnx::MatMul_1" are not valid path names everywhere.
        Path pseudo = path().resolveSibling(path().getFileName() + ".mem" + memoryKeys.size());
        memoryKeys.put(key, pseudo);
        memory.put(pseudo, bytes);
        return pseudo;
    }

    /** C-contiguous element strides of {@code shape}. */
    public static long[] contiguousStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    private static boolean isContiguous(long[] shape, long[] strides) {
        long[] c = contiguousStrides(shape);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > 1 && strides[i] != c[i]) {
                return false;
            }
        }
        return true;
    }

    @Override
    protected boolean onDisk(Path file) {
        return !memory.containsKey(file);
    }

    @Override
    protected ByteBuffer read(Path file, long position, int length) {
        Supplier<byte[]> supplier = memory.get(file);
        if (supplier == null) {
            return super.read(file, position, length);
        }
        // Not computeIfAbsent: a supplier may itself read other tensors of this source (ONNX
        // dequantisation reads codes, scales and zero points), and ConcurrentHashMap forbids
        // recursive updates. Two racing first reads build the same bytes; one copy is kept.
        byte[] data = memoryCache.get(file);
        if (data == null) {
            byte[] built = supplier.get();
            byte[] prior = memoryCache.putIfAbsent(file, built);
            data = prior != null ? prior : built;
        }
        if (position < 0 || position + length > data.length) {
            throw new CheckpointFormatException(path(), Category.TRUNCATED,
                    "decoded data ends before byte " + (position + length));
        }
        return ByteBuffer.wrap(data, (int) position, length).slice();
    }

    @Override
    protected boolean storedAsIs(String name) {
        return !views.containsKey(name);
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        View view = views.get(name);
        if (view == null) {
            super.readElements(name, first, count, dst, dstOffset);
            return;
        }
        TensorInfo info = require(name);
        if (first < 0 || count < 0 || first + count > info.numel()) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count)
                    + ") outside tensor '" + name + "' of " + info.numel());
        }
        if (count == 0) {
            return;
        }
        int r = view.shape.length;
        if (r == 0) {
            gather(view, new long[0], new long[0], first, dst, dstOffset);
            return;
        }
        decompose(view, 0, new long[r], new long[r], first, first + count, first, dst, dstOffset);
    }

    /** Splits the C-order range [lo, hi) of dims {@code dim..} (outer indices fixed in boxLo/boxHi) into boxes. */
    private void decompose(View v, int dim, long[] boxLo, long[] boxHi, long lo, long hi,
                           long first, double[] dst, int dstOffset) {
        int r = v.shape.length;
        if (lo >= hi) {
            return;
        }
        if (dim == r - 1) {
            boxLo[dim] = lo;
            boxHi[dim] = hi;
            processBox(v, boxLo.clone(), boxHi.clone(), first, dst, dstOffset);
            return;
        }
        long inner = 1;
        for (int i = dim + 1; i < r; i++) {
            inner *= v.shape[i];
        }
        long a = lo / inner;
        long b = hi / inner;
        long loRem = lo % inner;
        long hiRem = hi % inner;
        if (a == b) {
            boxLo[dim] = a;
            boxHi[dim] = a + 1;
            decompose(v, dim + 1, boxLo, boxHi, loRem, hiRem, first, dst, dstOffset);
            return;
        }
        if (loRem != 0) {
            boxLo[dim] = a;
            boxHi[dim] = a + 1;
            decompose(v, dim + 1, boxLo, boxHi, loRem, inner, first, dst, dstOffset);
            a++;
        }
        if (b > a) {
            long[] l = boxLo.clone();
            long[] h = boxHi.clone();
            l[dim] = a;
            h[dim] = b;
            for (int i = dim + 1; i < r; i++) {
                l[i] = 0;
                h[i] = v.shape[i];
            }
            processBox(v, l, h, first, dst, dstOffset);
        }
        if (hiRem != 0) {
            boxLo[dim] = b;
            boxHi[dim] = b + 1;
            decompose(v, dim + 1, boxLo, boxHi, 0, hiRem, first, dst, dstOffset);
        }
    }

    private void processBox(View v, long[] lo, long[] hi, long first, double[] dst, int dstOffset) {
        long span = 1;
        int widest = -1;
        for (int i = 0; i < lo.length; i++) {
            span += (hi[i] - 1 - lo[i]) * v.strides[i];
            if (hi[i] - lo[i] > 1 && (widest < 0 || v.strides[i] > v.strides[widest])) {
                widest = i;
            }
        }
        if (span <= SPAN_CAP_ELEMENTS || widest < 0) {
            gather(v, lo, hi, first, dst, dstOffset);
            return;
        }
        long mid = lo[widest] + (hi[widest] - lo[widest]) / 2;
        long[] hi1 = hi.clone();
        hi1[widest] = mid;
        long[] lo2 = lo.clone();
        lo2[widest] = mid;
        processBox(v, lo, hi1, first, dst, dstOffset);
        processBox(v, lo2, hi, first, dst, dstOffset);
    }

    /** Reads the storage span of one box and scatters it into dst at the elements' C-order positions. */
    private void gather(View v, long[] lo, long[] hi, long first, double[] dst, int dstOffset) {
        int r = v.shape.length;
        long[] cstr = contiguousStrides(v.shape);
        long sLo = v.storageOffset;
        long sHi = v.storageOffset;
        for (int i = 0; i < r; i++) {
            sLo += lo[i] * v.strides[i];
            sHi += (hi[i] - 1) * v.strides[i];
        }
        DType dt = v.storage.dtype();
        int es = dt.bytesPerBlock();
        int span = Math.toIntExact(sHi - sLo + 1);
        ByteBuffer buf = read(v.storage.file(), v.storage.offset() + sLo * es, span * es).order(v.storage.order());
        double[] decoded = new double[span];
        ElementDecoder.decode(dt, buf, span, decoded, 0);
        int innerLen = r == 0 ? 1 : (int) (hi[r - 1] - lo[r - 1]);
        int innerStride = r == 0 ? 1 : (int) v.strides[r - 1];
        // Strided inner runs are copied in tiles so consecutive outer rows reuse the same cache lines.
        int tile = innerStride == 1 ? Math.max(innerLen, 1) : GATHER_TILE;
        for (int t0 = 0; t0 < innerLen; t0 += tile) {
            int t1 = Math.min(innerLen, t0 + tile);
            long[] idx = lo.clone();
            while (true) {
                long s = v.storageOffset;
                long linear = 0;
                for (int i = 0; i < r; i++) {
                    s += idx[i] * v.strides[i];
                    linear += idx[i] * cstr[i];
                }
                int d = dstOffset + (int) (linear - first);
                int pos = (int) (s - sLo);
                if (innerStride == 1) {
                    System.arraycopy(decoded, pos + t0, dst, d + t0, t1 - t0);
                } else {
                    for (int j = t0; j < t1; j++) {
                        dst[d + j] = decoded[pos + j * innerStride];
                    }
                }
                int k = r - 2;
                while (k >= 0) {
                    idx[k]++;
                    if (idx[k] < hi[k]) {
                        break;
                    }
                    idx[k] = lo[k];
                    k--;
                }
                if (k < 0) {
                    break;
                }
            }
        }
    }
}
