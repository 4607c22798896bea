package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Base for every reader whose tensors are contiguous C-order byte ranges inside one or more
 * files (safetensors, GGUF, NumPy, zip-stored PyTorch storages, ONNX raw_data/external data).
 * A subclass parses its header, then describes each tensor by a {@link Location}; this class
 * does the reading and decoding with positional reads (no whole-file mapping, files over 2 GB
 * work, nothing is written). Readers with strided views override {@link #readElements}.
 *
 * <p>Thread-safe for concurrent reads: {@link FileChannel#read(ByteBuffer, long)} is positional.
 */
public abstract class FileTensorSource implements TensorSource {

    /**
     * Where a tensor's bytes live.
     *
     * @param file   the file holding the bytes
     * @param offset absolute byte offset of element 0
     * @param dtype  stored type
     * @param order  byte order of the stored elements
     */
    public record Location(Path file, long offset, DType dtype, ByteOrder order) { }

    private static final int CHUNK_BYTES = 1 << 22;

    private final Path path;
    private final Map<Path, FileChannel> channels = new ConcurrentHashMap<>();
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
    private final Map<String, Location> locations = new LinkedHashMap<>();

    protected FileTensorSource(Path path) {
        this.path = path;
    }

    /** Registers a tensor after the subclass validated it. Call during construction only. */
    protected final void add(TensorInfo info, Location location) {
        if (infos.putIfAbsent(info.name(), info) != null) {
            throw new CheckpointFormatException(location.file(), Category.DUPLICATE_NAME,
                    "tensor name '" + info.name() + "' appears twice");
        }
        locations.put(info.name(), location);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos.values());
    }

    @Override
    public java.util.Optional<TensorInfo> find(String name) {
        return java.util.Optional.ofNullable(infos.get(name));
    }

    protected Location location(String name) {
        Location loc = locations.get(name);
        if (loc == null) {
            require(name);
        }
        return loc;
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        TensorInfo info = require(name);
        Location loc = location(name);
        if (first < 0 || count < 0 || first + count > info.numel()) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count)
                    + ") outside tensor '" + name + "' of " + info.numel());
        }
        DType dt = loc.dtype();
        int epb = dt.elementsPerBlock();
        int bpb = dt.bytesPerBlock();
        long done = 0;
        int blocksPerChunk = Math.max(1, CHUNK_BYTES / bpb);
        double[] scratch = epb > 1 ? new double[blocksPerChunk * epb] : null;
        while (done < count) {
            long elem = first + done;
            long block = elem / epb;
            int skip = (int) (elem - block * epb);
            long remaining = count - done;
            int blocks = (int) Math.min(blocksPerChunk, (skip + remaining + epb - 1) / epb);
            ByteBuffer buf = read(loc.file(), loc.offset() + block * bpb, blocks * bpb).order(loc.order());
            if (epb == 1) {
                ElementDecoder.decode(dt, buf, blocks, dst, dstOffset + (int) done);
                done += blocks;
            } else {
                ElementDecoder.decodeBlocks(dt, buf, blocks, scratch, 0);
                int take = (int) Math.min(remaining, (long) blocks * epb - skip);
                System.arraycopy(scratch, skip, dst, dstOffset + (int) done, take);
                done += take;
            }
        }
    }

    /** Reads exactly {@code length} bytes at {@code position} of {@code file}. */
    protected ByteBuffer read(Path file, long position, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        try {
            FileChannel ch = channel(file);
            while (buf.hasRemaining()) {
                int n = ch.read(buf, position + buf.position());
                if (n < 0) {
                    throw new CheckpointFormatException(file, Category.TRUNCATED,
                            "file ends before tensor data (at byte " + (position + buf.position()) + ")");
                }
            }
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "read failed: " + e.getMessage(), e);
        }
        buf.flip();
        return buf;
    }

    protected FileChannel channel(Path file) throws IOException {
        FileChannel ch = channels.get(file);
        if (ch == null) {
            synchronized (channels) {
                ch = channels.get(file);
                if (ch == null) {
                    ch = FileChannel.open(file, StandardOpenOption.READ);
                    channels.put(file, ch);
                }
            }
        }
        return ch;
    }

    @Override
    public void close() {
        for (FileChannel ch : channels.values()) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing a read-only channel: nothing to lose
            }
        }
        channels.clear();
    }
}
