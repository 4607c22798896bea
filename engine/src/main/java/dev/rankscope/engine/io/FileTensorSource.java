package dev.rankscope.engine.io;

import dev.rankscope.engine.cache.FileIdentity;
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
 * work, nothing is written). Files are opened on demand and at most {@link #MAX_OPEN_FILES} stay
 * open ({@link ChannelPool}). Each file's identity is recorded when its tensors are registered;
 * {@link #verifyUnchanged} and every (re)opening compare against it, so a file replaced or
 * rewritten during a run is reported ({@link Category#CHANGED}) instead of read. Readers with strided views override {@link #readElements}.
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

    /**
     * Files kept open at once per source (least recently used closed first), whatever the shard
     * count: a 2,000-shard checkpoint then needs a handful of descriptors, not 2,000.
     */
    public static final int MAX_OPEN_FILES = 16;

    private final Path path;
    private final ChannelPool channels = new ChannelPool(MAX_OPEN_FILES);
    /** Each file's {@link FileIdentity#part} when first registered (at open). */
    private final Map<Path, String> stamps = new ConcurrentHashMap<>();
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
        stamps.computeIfAbsent(location.file(), FileTensorSource::stampOrEmpty);
    }

    /**
     * The identity of {@link #files()} as recorded when this source was opened (files the
     * source does not read tensor data from, e.g. an index, are recorded on first call).
     */
    @Override
    public FileIdentity identity() {
        List<String> parts = new java.util.ArrayList<>();
        for (Path f : files()) {
            parts.add(stamps.computeIfAbsent(f, FileTensorSource::stampOrEmpty));
        }
        return new FileIdentity(parts);
    }

    /**
     * Checks the file holding {@code name} against its identity recorded at open.
     *
     * @throws CheckpointFormatException CHANGED naming the file when it was rewritten, replaced or removed
     */
    @Override
    public void verifyUnchanged(String name) {
        Path file = location(name).file();
        String recorded = stamps.get(file);
        String now = stampOrEmpty(file);
        if (recorded == null || !recorded.equals(now)) {
            throw changed(file, now.isEmpty() ? "was removed" : "was rewritten or replaced");
        }
    }

    /** The CHANGED failure for {@code file}: one sentence saying what to do. */
    static CheckpointFormatException changed(Path file, String what) {
        return new CheckpointFormatException(file, Category.CHANGED, what + " while it was being read; "
                + "the matrices it holds were not analysed (run again once the file is complete)");
    }

    private static String stampOrEmpty(Path file) {
        try {
            return FileIdentity.part(file);
        } catch (IOException e) {
            return "";
        }
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
        Location loc = checkedLocation(name, first, count);
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

    /**
     * Float32 elements; BF16, F16 and F32 tensors stored as they are in the file are widened
     * straight into {@code dst} (no float64 step), other types through the float64 decoder.
     */
    @Override
    public void readElements(String name, long first, int count, float[] dst, int dstOffset) {
        Location loc = checkedLocation(name, first, count);
        DType dt = loc.dtype();
        if (!ElementDecoder.widensToFloat(dt) || !storedAsIs(name)) {
            TensorSource.super.readElements(name, first, count, dst, dstOffset);
            return;
        }
        int bytes = dt.bytesPerBlock();
        int perChunk = Math.max(1, CHUNK_BYTES / bytes);
        for (int done = 0; done < count; ) {
            int n = Math.min(perChunk, count - done);
            ByteBuffer buf = read(loc.file(), loc.offset() + (first + done) * bytes, n * bytes).order(loc.order());
            ElementDecoder.decodeFloat(dt, buf, n, dst, dstOffset + done);
            done += n;
        }
    }

    /** True when {@code name}'s elements are its stored bytes in C order (false for views over them). */
    protected boolean storedAsIs(String name) {
        return true;
    }

    private Location checkedLocation(String name, long first, int count) {
        TensorInfo info = require(name);
        if (first < 0 || count < 0 || first + count > info.numel()) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count)
                    + ") outside tensor '" + name + "' of " + info.numel());
        }
        return location(name);
    }

    /** One read-ahead buffer per reading thread (the prefetcher is one daemon thread): not a 4 MB allocation per matrix. */
    private static final ThreadLocal<ByteBuffer> PREFETCH_BUFFER =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK_BYTES));

    /**
     * Reads the bytes of {@code name} as stored, in {@link #CHUNK_BYTES} pieces through one reused
     * direct buffer, and drops them: they then sit in the page cache for the real read. Views over
     * stored bytes and memory-backed tensors are skipped; any failure is ignored (see
     * {@link TensorSource#prefetch}).
     */
    @Override
    public void prefetch(String name) {
        Location loc = locations.get(name);
        TensorInfo info = infos.get(name);
        if (loc == null || info == null || !storedAsIs(name) || !onDisk(loc.file())) {
            return;
        }
        long end = loc.offset() + loc.dtype().byteSize(info.numel());
        ByteBuffer buf = PREFETCH_BUFFER.get();
        try (ChannelPool.Lease lease = channels.acquire(loc.file(), () -> openUnchanged(loc.file()))) {
            FileChannel ch = lease.channel();
            for (long at = loc.offset(); at < end; ) {
                buf.clear().limit((int) Math.min(CHUNK_BYTES, end - at));
                int n = ch.read(buf, at);
                if (n <= 0) {
                    return;
                }
                at += n;
            }
        } catch (IOException | RuntimeException e) {
            // a hint only: the real read reports what is wrong with the file
        }
    }

    /** False for files whose bytes this source holds in memory (nothing to read ahead). */
    protected boolean onDisk(Path file) {
        return true;
    }

    /** Reads exactly {@code length} bytes at {@code position} of {@code file}. */
    protected ByteBuffer read(Path file, long position, int length) {
        ByteBuffer buf = ByteBuffer.allocate(length);
        ChannelPool.Lease lease = null;
        try {
            lease = channels.acquire(file, () -> openUnchanged(file));
            FileChannel ch = lease.channel();
            while (buf.hasRemaining()) {
                int n = ch.read(buf, position + buf.position());
                if (n < 0) {
                    throw new CheckpointFormatException(file, Category.TRUNCATED,
                            "file ends before tensor data (at byte " + (position + buf.position()) + ")");
                }
            }
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "read failed: " + AtomicFileWriter.reason(e), e);
        } finally {
            if (lease != null) {
                lease.close();
            }
        }
        buf.flip();
        return buf;
    }

    /**
     * Opens {@code file} for reading and checks that what was opened is the file recorded at
     * open (a file renamed over it would otherwise be read silently).
     */
    private FileChannel openUnchanged(Path file) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        String recorded = stamps.get(file);
        if (recorded != null && !recorded.equals(stampOrEmpty(file))) {
            ch.close();
            throw changed(file, "was rewritten or replaced");
        }
        return ch;
    }

    /** How many files this source holds open now (at most {@link #MAX_OPEN_FILES} while idle). */
    public int openFiles() {
        return channels.size();
    }

    @Override
    public void closeIdleFiles() {
        channels.closeIdle();
    }

    @Override
    public void close() {
        channels.close();
    }
}
