package dev.rankscope.engine.tensor;

import dev.rankscope.engine.cache.FileIdentity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An opened checkpoint: lists tensors without reading their data, and decodes any range of a
 * tensor's elements (in C order) to float64 or float32 on demand. Implementations map file
 * regions per tensor (files over 2 GB work) and never modify the file.
 *
 * <p>Thread safety: {@link #readElements} may be called from several threads at once.
 * {@link #close()} must not race with reads.
 */
public interface TensorSource extends AutoCloseable {

    /** The file or folder the user opened. */
    Path path();

    /**
     * The files whose bytes this source reads (several for a sharded checkpoint). Used for the
     * cache's file identity; defaults to {@link #path()}.
     */
    default List<Path> files() {
        return List.of(path());
    }

    /**
     * The identity of {@link #files()} as this source read them: file readers record each file's
     * identity when they open it, so cache entries are keyed by the content actually read even
     * when a file is replaced later. Defaults to the identity now.
     *
     * @throws java.io.UncheckedIOException when a file cannot be examined
     */
    default FileIdentity identity() {
        try {
            return FileIdentity.of(files());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks that the file(s) holding tensor {@code name} are still the ones opened (same size,
     * modification time and file key as recorded at open): called before a matrix is read and
     * again before its result is reported or cached, so that a file rewritten or replaced during
     * a run never yields a spectrum mixed from two versions. Does nothing for sources that do
     * not read files.
     *
     * @throws CheckpointFormatException {@link CheckpointFormatException.Category#CHANGED} naming the file
     */
    default void verifyUnchanged(String name) {
    }

    /**
     * {@link #readDouble} between two {@link #verifyUnchanged} checks, for writers that copy a
     * tensor into their output: the values are the opened file's, or nothing is returned.
     *
     * @throws CheckpointFormatException CHANGED naming the file when it changed before or during the read
     */
    default double[] readDoubleUnchanged(String name) {
        verifyUnchanged(name);
        double[] values = readDouble(name);
        verifyUnchanged(name);
        return values;
    }

    /**
     * Closes the files this source holds open but is not reading now (later reads reopen them).
     * Lets a source made of many others (shards) bound its open files. Never throws.
     */
    default void closeIdleFiles() {
    }

    /** Short format name shown to users: {@code safetensors}, {@code safetensors (sharded)}, {@code gguf}... */
    String format();

    /** Every tensor, in file order. */
    List<TensorInfo> tensors();

    /** Free-form metadata (safetensors {@code __metadata__}, GGUF KV as strings, config.json facts). */
    Map<String, String> metadata();

    default Optional<TensorInfo> find(String name) {
        return tensors().stream().filter(t -> t.name().equals(name)).findFirst();
    }

    default TensorInfo require(String name) {
        return find(name).orElseThrow(() -> new CheckpointFormatException(path(),
                CheckpointFormatException.Category.IO, "no tensor named '" + name + "'"));
    }

    /**
     * A hint that {@code name} will be read soon: file-backed sources read its bytes ahead (into the
     * operating system's page cache, discarding them), so that a worker computing one matrix while
     * the next one's bytes come off the disk overlaps reading with compute. Blocks the calling
     * thread for as long as the read takes; call it from a thread that would otherwise idle. Never
     * throws: a problem with the file is reported by the real read. The default does nothing.
     */
    default void prefetch(String name) {
    }

    /**
     * Decodes {@code count} elements starting at element {@code first} (C order) into
     * {@code dst[dstOffset..]} as float64. Quantised and low-precision types are widened exactly.
     *
     * @throws CheckpointFormatException when the data cannot be read or decoded
     */
    void readElements(String name, long first, int count, double[] dst, int dstOffset);

    /** Float32 variant of {@link #readElements(String, long, int, double[], int)}. */
    default void readElements(String name, long first, int count, float[] dst, int dstOffset) {
        double[] tmp = new double[count];
        readElements(name, first, count, tmp, 0);
        for (int i = 0; i < count; i++) {
            dst[dstOffset + i] = (float) tmp[i];
        }
    }

    /** The whole tensor as float64 (C order). Refuses tensors over 2^31-1 elements. */
    default double[] readDouble(String name) {
        TensorInfo info = require(name);
        double[] out = new double[checkedLength(info)];
        readElements(name, 0, out.length, out, 0);
        return out;
    }

    /** The whole tensor as float32 (C order). Refuses tensors over 2^31-1 elements. */
    default float[] readFloat(String name) {
        TensorInfo info = require(name);
        float[] out = new float[checkedLength(info)];
        readElements(name, 0, out.length, out, 0);
        return out;
    }

    private int checkedLength(TensorInfo info) {
        long n = info.numel();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(path(), CheckpointFormatException.Category.TOO_LARGE,
                    "tensor '" + info.name() + "' has " + n + " elements, too many to load at once");
        }
        return (int) n;
    }

    /** Releases mapped regions and file handles. Never throws. */
    @Override
    void close();
}
