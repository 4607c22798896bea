package dev.rankscope.engine.io.numpy;

import dev.rankscope.engine.io.Shapes;
import dev.rankscope.engine.io.StridedTensorSource;
import dev.rankscope.engine.io.ZipArchive;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * NumPy arrays (SPEC §6): one {@code .npy} file (tensor named after the file, without
 * {@code .npy}) or an {@code .npz} zip of them (tensor name = entry name without {@code .npy}).
 * Stored entries are read in place with positional reads; deflated entries
 * ({@code np.savez_compressed}) are inflated to memory on first read, capped at the size the
 * header implies. Fortran-order arrays are exposed in C order through a strided view; big-endian
 * ('&gt;') data is decoded with its byte order.
 */
public final class NumpySource extends StridedTensorSource {
    private final String format;

    private NumpySource(Path path, String format) {
        super(path);
        this.format = format;
    }

    /** Opens a single {@code .npy} file. */
    public static NumpySource openNpy(Path file) {
        NumpySource src = new NumpySource(file, "npy");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            byte[] prefix = readUpTo(ch, 0, 12);
            long total = NpyHeader.totalHeaderLength(file, prefix);
            if (total > size) {
                throw new CheckpointFormatException(file, Category.TRUNCATED, ".npy header runs past the end of the file");
            }
            NpyHeader h = NpyHeader.parse(file, String.valueOf(file.getFileName()), readUpTo(ch, 0, (int) total));
            src.register(Shapes.stem(file, ".npy"), h, file, 0, size);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            src.close();
            throw e;
        }
        return src;
    }

    /** Opens an {@code .npz} archive; entries not ending in {@code .npy} are ignored. */
    public static NumpySource openNpz(Path file) {
        ZipArchive zip = ZipArchive.open(file);
        NumpySource src = new NumpySource(file, "npz");
        try {
            for (Map.Entry<String, ZipArchive.Entry> e : zip.entries().entrySet()) {
                String entryName = e.getKey();
                if (!entryName.endsWith(".npy")) {
                    continue;
                }
                ZipArchive.Entry entry = e.getValue();
                String name = entryName.substring(0, entryName.length() - 4);
                byte[] prefix = zip.readPrefix(entry, 12);
                long total = NpyHeader.totalHeaderLength(file, prefix);
                if (total > entry.uncompressedSize()) {
                    throw new CheckpointFormatException(file, Category.TRUNCATED, entryName + ": .npy header runs past the entry");
                }
                NpyHeader h = NpyHeader.parse(file, entryName, zip.readPrefix(entry, (int) total));
                if (entry.isStored()) {
                    src.register(name, h, file, entry.dataOffset(), entry.uncompressedSize());
                } else {
                    if (entry.uncompressedSize() > Integer.MAX_VALUE - 8) {
                        throw new CheckpointFormatException(file, Category.TOO_LARGE, "compressed array '" + name
                                + "' inflates to " + entry.uncompressedSize() + " bytes, too large to hold in memory");
                    }
                    Path mem = src.memoryFile(entryName, () -> zip.readBytes(entry, entry.uncompressedSize()));
                    src.register(name, h, mem, 0, entry.uncompressedSize());
                }
            }
        } catch (RuntimeException ex) {
            src.close();
            throw ex;
        }
        return src;
    }

    /** Registers one array whose .npy bytes start at {@code base} of {@code file} and span {@code npyBytes}. */
    private void register(String name, NpyHeader h, Path file, long base, long npyBytes) {
        long[] shape = h.shape();
        long numel = Shapes.numel(path(), name, shape);
        long bytes = Shapes.byteSize(path(), name, h.dtype(), numel);
        if (h.dataOffset() + bytes != npyBytes) {
            throw new CheckpointFormatException(path(), h.dataOffset() + bytes > npyBytes ? Category.TRUNCATED : Category.SIZE_MISMATCH,
                    "array '" + name + "' needs " + bytes + " data bytes but " + (npyBytes - h.dataOffset()) + " are present");
        }
        long[] strides;
        if (h.fortran()) {
            strides = new long[shape.length];
            long acc = 1;
            for (int i = 0; i < shape.length; i++) {
                strides[i] = acc;
                acc *= Math.max(shape[i], 1);
            }
        } else {
            strides = contiguousStrides(shape);
        }
        addView(new TensorInfo(name, h.dtype(), shape, bytes),
                new Location(file, base + h.dataOffset(), h.dtype(), h.order()), strides, 0, numel);
    }

    private static byte[] readUpTo(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }
}
