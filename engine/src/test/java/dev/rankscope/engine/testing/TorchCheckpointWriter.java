package dev.rankscope.engine.testing;

import dev.rankscope.engine.tensor.DType;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes PyTorch zip checkpoints laid out like {@code torch.save} (torch ≥ 1.6,
 * {@code _use_new_zipfile_serialization=True}): {@code <archive>/data.pkl} (pickle protocol 2: an
 * {@code OrderedDict} reduced from {@code collections.OrderedDict}, each value rebuilt by
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())},
 * storages as persistent ids {@code ('storage', torch.FloatStorage, key, 'cpu', numel)}),
 * {@code <archive>/data/<key>} STORED and 64-byte aligned, {@code <archive>/version} = "3\n" and
 * {@code <archive>/byteorder}. Test code only.
 */
public final class TorchCheckpointWriter {
    private static final Map<DType, String> STORAGE = Map.of(DType.F32, "FloatStorage", DType.F16, "HalfStorage",
            DType.BF16, "BFloat16Storage", DType.F64, "DoubleStorage", DType.U8, "ByteStorage", DType.I8, "CharStorage",
            DType.I16, "ShortStorage", DType.I32, "IntStorage", DType.I64, "LongStorage", DType.BOOL, "BoolStorage");

    /** A storage: dtype, key and raw bytes. */
    public record Storage(DType dtype, String key, byte[] bytes) {
        long numel() {
            return bytes.length / dtype.bytesPerBlock();
        }
    }

    private record Tensor(String name, Storage storage, long offset, long[] size, long[] stride) { }

    private final String archive;
    private final List<Storage> storages = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, Object> wrappers = new LinkedHashMap<>();
    private String wrapKey;
    private boolean stateDictMetadata = true;

    public TorchCheckpointWriter(String archive) {
        this.archive = archive;
    }

    /** Adds a storage holding {@code values} encoded as {@code dtype}. */
    public Storage storage(DType dtype, double[] values) {
        Storage s = new Storage(dtype, Integer.toString(storages.size()), TestEncoding.encode(dtype, values, ByteOrder.LITTLE_ENDIAN));
        storages.add(s);
        return s;
    }

    /** A view of {@code storage}: {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    public TorchCheckpointWriter view(String name, Storage storage, long offset, long[] size, long[] stride) {
        tensors.add(new Tensor(name, storage, offset, size, stride));
        return this;
    }

    /** A contiguous tensor with its own storage. */
    public TorchCheckpointWriter tensor(String name, DType dtype, long[] shape, double[] values) {
        long[] stride = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = acc;
            acc *= shape[i];
        }
        return view(name, storage(dtype, values), 0, shape, stride);
    }

    /** Nests the state dict as {@code {key: state_dict, "epoch": 3}} like training checkpoints do. */
    public TorchCheckpointWriter wrapIn(String key) {
        this.wrapKey = key;
        return this;
    }

    /** Pickles a plain OrderedDict (no {@code _metadata} BUILD), as {@code torch.save(OrderedDict(...))} does. */
    public TorchCheckpointWriter plainOrderedDict() {
        this.stateDictMetadata = false;
        return this;
    }

    public byte[] pickle() {
        PickleBuilder p = new PickleBuilder().proto(2);
        if (wrapKey != null) {
            p.emptyDict().mark().str(wrapKey);
        }
        p.global("collections", "OrderedDict").tupleN(0).reduce().mark();
        for (Tensor t : tensors) {
            p.str(t.name);
            p.global("torch._utils", "_rebuild_tensor_v2");
            p.mark();
            p.mark().str("storage").global("torch", STORAGE.get(t.storage.dtype())).str(t.storage.key()).str("cpu")
                    .integer(t.storage.numel()).tuple().binpersid();
            p.integer(t.offset);
            longs(p, t.size);
            longs(p, t.stride);
            p.bool(false);
            p.global("collections", "OrderedDict").tupleN(0).reduce();
            p.tuple().reduce();
        }
        p.setitems();
        if (stateDictMetadata) {
            // state_dict()._metadata, restored by BUILD like OrderedDict.__reduce__ does.
            p.emptyDict().mark().str("_metadata").global("collections", "OrderedDict").tupleN(0).reduce()
                .mark().str("").emptyDict().mark().str("version").integer(1).setitems().setitems()
                .setitems().build();
        }
        if (wrapKey != null) {
            p.str("epoch").integer(3).str("note").str("trained").setitems();
        }
        return p.stop().toBytes();
    }

    private static void longs(PickleBuilder p, long[] v) {
        if (v.length <= 3) {
            for (long x : v) {
                p.integer(x);
            }
            p.tupleN(v.length);
        } else {
            p.mark();
            for (long x : v) {
                p.integer(x);
            }
            p.tuple();
        }
    }

    public ZipTestWriter zip() {
        ZipTestWriter z = new ZipTestWriter(64);
        z.stored(archive + "/data.pkl", pickle());
        z.stored(archive + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (Storage s : storages) {
            z.stored(archive + "/data/" + s.key(), s.bytes());
        }
        z.stored(archive + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        return z;
    }

    public Path write(Path file) throws IOException {
        Files.write(file, zip().toBytes());
        return file;
    }
}
