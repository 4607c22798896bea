package dev.rankscope.engine.io.torch;

import dev.rankscope.engine.io.Shapes;
import dev.rankscope.engine.io.StridedTensorSource;
import dev.rankscope.engine.io.ZipArchive;
import dev.rankscope.engine.io.torch.RestrictedUnpickler.StorageRef;
import dev.rankscope.engine.io.torch.RestrictedUnpickler.TensorRef;
import dev.rankscope.engine.io.torch.RestrictedUnpickler.Tuple;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.TensorInfo;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A PyTorch zip checkpoint (torch ≥ 1.6, SPEC §6): {@code <archive>/data.pkl} is interpreted by
 * {@link RestrictedUnpickler} (nothing executed), and each tensor becomes a strided view of its
 * storage {@code <archive>/data/<key>}. Storages are STORED zip entries read in place by
 * positional reads (torch aligns them to 64 bytes); deflated storages (re-zipped files) are
 * inflated to memory on first read, capped at their declared size.
 *
 * <p>Tensor names: nested dicts, lists and tuples are flattened with dots
 * ({@code {"state_dict": {"fc.weight": t}}} → {@code state_dict.fc.weight}); non-tensor leaves
 * (epochs, strings, optimiser hyper-parameters) are ignored. Storage {@code byteorder} "big" is honoured.
 */
public final class TorchSource extends StridedTensorSource {
    /** data.pkl larger than this is refused: real state-dict pickles are a few MB. */
    static final long MAX_PICKLE_BYTES = 256L << 20;

    private final Map<String, String> metadata = new LinkedHashMap<>();

    private TorchSource(Path path) {
        super(path);
    }

    /**
     * Opens a zip checkpoint; lists tensors without reading storages.
     *
     * @throws CheckpointFormatException UNSAFE for forbidden pickle globals or escaping entry names,
     *                                   UNSUPPORTED/MALFORMED_HEADER/BAD_OFFSETS for other problems
     */
    public static TorchSource open(Path file) {
        ZipArchive zip = ZipArchive.open(file);
        String prefix = archivePrefix(zip);
        TorchSource src = new TorchSource(file);
        try {
            ByteOrder order = ByteOrder.LITTLE_ENDIAN;
            ZipArchive.Entry bo = zip.entries().get(prefix + "byteorder");
            if (bo != null) {
                String s = new String(zip.readBytes(bo, 64), StandardCharsets.US_ASCII).trim();
                if (s.equals("big")) {
                    order = ByteOrder.BIG_ENDIAN;
                } else if (!s.equals("little")) {
                    throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "byteorder record '" + s + "' is neither little nor big");
                }
            }
            ZipArchive.Entry version = zip.entries().get(prefix + "version");
            if (version == null) {
                version = zip.entries().get(prefix + ".data/version");
            }
            if (version != null) {
                src.metadata.put("torch.format_version", new String(zip.readBytes(version, 64), StandardCharsets.US_ASCII).trim());
            }
            src.metadata.put("torch.archive", prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1));
            Object root = RestrictedUnpickler.load(file, zip.readBytes(zip.entries().get(prefix + "data.pkl"), MAX_PICKLE_BYTES));
            Map<String, TensorRef> tensors = new LinkedHashMap<>();
            src.flatten("", root, tensors, 0);
            for (Map.Entry<String, TensorRef> e : tensors.entrySet()) {
                src.register(zip, prefix, order, e.getKey(), e.getValue());
            }
        } catch (RuntimeException e) {
            src.close();
            throw e;
        }
        return src;
    }

    /** The directory holding data.pkl: {@code archive/}, {@code pytorch_model/}, ... */
    static String archivePrefix(ZipArchive zip) {
        String found = null;
        for (String name : zip.entries().keySet()) {
            if (name.endsWith("data.pkl")) {
                String prefix = name.substring(0, name.length() - "data.pkl".length());
                if ((prefix.isEmpty() || (prefix.endsWith("/") && prefix.indexOf('/') == prefix.length() - 1))
                        && (found == null || prefix.length() < found.length())) {
                    found = prefix;
                }
            }
        }
        if (found == null) {
            throw new CheckpointFormatException(zip.file(), Category.MALFORMED_HEADER, "zip holds no <archive>/data.pkl: not a PyTorch checkpoint");
        }
        return found;
    }

    private void register(ZipArchive zip, String prefix, ByteOrder order, String name, TensorRef t) {
        StorageRef s = t.storage();
        String entryName = prefix + "data/" + s.key();
        ZipArchive.Entry entry = zip.entries().get(entryName);
        if (entry == null) {
            throw new CheckpointFormatException(path(), Category.BAD_OFFSETS, "tensor '" + name + "' refers to storage '"
                    + s.key() + "' but the zip holds no entry " + entryName);
        }
        int es = s.dtype().bytesPerBlock();
        long storageBytes;
        try {
            storageBytes = Math.multiplyExact(s.numel(), (long) es);
        } catch (ArithmeticException overflow) {
            throw new CheckpointFormatException(path(), Category.SIZE_MISMATCH, "storage '" + s.key() + "' size overflows");
        }
        if (s.numel() < 0 || entry.uncompressedSize() < storageBytes) {
            throw new CheckpointFormatException(path(), Category.SIZE_MISMATCH, "storage '" + s.key() + "' declares "
                    + s.numel() + " " + s.dtype() + " elements but its entry holds " + entry.uncompressedSize() + " bytes");
        }
        long[] shape = t.size();
        long numel = Shapes.numel(path(), name, shape);
        Location loc;
        if (entry.isStored()) {
            loc = new Location(path(), entry.dataOffset(), s.dtype(), order);
        } else {
            if (entry.uncompressedSize() > Integer.MAX_VALUE - 8) {
                throw new CheckpointFormatException(path(), Category.TOO_LARGE, "compressed storage '" + s.key()
                        + "' inflates to " + entry.uncompressedSize() + " bytes, too large to hold in memory");
            }
            Path mem = memoryFile(entryName, () -> zip.readBytes(entry, entry.uncompressedSize()));
            loc = new Location(mem, 0, s.dtype(), order);
        }
        addView(new TensorInfo(name, s.dtype(), shape, Shapes.byteSize(path(), name, s.dtype(), numel)),
                loc, t.stride(), t.storageOffset(), s.numel());
    }

    private void flatten(String prefix, Object node, Map<String, TensorRef> out, int depth) {
        if (depth > 64) {
            throw new CheckpointFormatException(path(), Category.MALFORMED_HEADER, "checkpoint nests containers more than 64 deep");
        }
        if (node instanceof TensorRef t) {
            String name = prefix.isEmpty() ? "tensor" : prefix;
            if (out.putIfAbsent(name, t) != null) {
                throw new CheckpointFormatException(path(), Category.DUPLICATE_NAME, "tensor name '" + name + "' appears twice");
            }
        } else if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                flatten(join(prefix, keyString(e.getKey())), e.getValue(), out, depth + 1);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                flatten(join(prefix, Integer.toString(i)), l.get(i), out, depth + 1);
            }
        } else if (node instanceof Tuple t) {
            for (int i = 0; i < t.size(); i++) {
                flatten(join(prefix, Integer.toString(i)), t.get(i), out, depth + 1);
            }
        }
    }

    private static String keyString(Object key) {
        if (key instanceof Tuple t) {
            StringBuilder sb = new StringBuilder();
            for (Object o : t.items()) {
                sb.append(sb.length() == 0 ? "" : ".").append(o);
            }
            return sb.toString();
        }
        return String.valueOf(key);
    }

    private static String join(String prefix, String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    @Override
    public String format() {
        return "pytorch";
    }

    @Override
    public Map<String, String> metadata() {
        return java.util.Collections.unmodifiableMap(metadata);
    }
}
