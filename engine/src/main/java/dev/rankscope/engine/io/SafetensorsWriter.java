package dev.rankscope.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Streams a safetensors file (SPEC §6) without holding the model in memory: tensors are declared
 * up front (name, dtype, shape, and a {@link TensorData} callback), the header is computed from
 * the declarations, and each callback then pushes its elements (C order, as float64) into an
 * {@link ElementSink} that encodes them with {@link ElementEncoder} through a 1 MB buffer.
 *
 * <p>Layout: tensors in declaration order, contiguous from data offset 0; the header JSON is
 * compact ({@code {"__metadata__":{…},"name":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}},
 * metadata first when present) and padded with spaces so {@code 8 + N} is a multiple of 8.
 * Files are written through {@link AtomicFileWriter}: a failing or cancelled callback leaves
 * neither the target nor a temporary file. A callback that supplies fewer or more elements than
 * its shape declares fails the write with {@link CheckpointWriteException.Reason#BAD_DATA}.
 *
 * <p>Not thread-safe: declare and write from one thread. The callbacks run on the writing thread,
 * in declaration order, exactly once per write.
 */
public final class SafetensorsWriter {

    /** Receives one tensor's elements in C order. */
    public interface ElementSink {
        /** Appends one element, rounded to the tensor's dtype (see {@link ElementEncoder}). */
        void put(double value) throws IOException;

        /** Appends {@code length} elements from {@code values[offset..]}. */
        void put(double[] values, int offset, int length) throws IOException;

        /** Appends all of {@code values}. */
        default void put(double[] values) throws IOException {
            put(values, 0, values.length);
        }

        /**
         * Appends bytes already encoded in the tensor's dtype, little-endian (e.g. copying a tensor
         * unchanged); {@code bytes.remaining()} must be a whole number of elements.
         */
        void putEncoded(ByteBuffer bytes) throws IOException;
    }

    /** Produces one tensor's data on demand. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(ElementSink sink) throws IOException;
    }

    /**
     * Called before each tensor is written ({@code index} counts from 0 across all files of a
     * sharded write). A task updates its progress here and may throw its cancellation exception,
     * which aborts the write and removes the partial file.
     */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (index, total, tensor) -> { };

        void beforeTensor(int index, int total, TensorInfo tensor);
    }

    /** A declared tensor. */
    private record Declared(TensorInfo info, TensorData data) { }

    private static final String METADATA_KEY = "__metadata__";
    private static final int BUFFER_BYTES = 1 << 20;
    private static final JsonFactory JSON = new JsonFactory();

    private final List<Declared> tensors = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * Declares a tensor. Shapes are outermost first ({@code (out, in)} for a Linear weight).
     *
     * @throws IllegalArgumentException for a duplicate or reserved name, a negative dimension, an
     *                                  element count that overflows, or a dtype that cannot be encoded
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, TensorData data) {
        if (name == null || name.isEmpty() || METADATA_KEY.equals(name)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        if (!SafetensorsHeader.SAFETENSORS_DTYPES.contains(dtype)) {
            throw new IllegalArgumentException(dtype + " is not a safetensors dtype");
        }
        long numel = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, d);
        }
        long bytes = dtype.byteSize(numel);
        if (bytes < 0) {
            throw new IllegalArgumentException("tensor " + name + " is too large");
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' declared twice");
        }
        tensors.add(new Declared(new TensorInfo(name, dtype, shape, bytes), data));
        return this;
    }

    /** Adds a {@code __metadata__} entry (string → string); insertion order is kept. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Declared tensors, in order. */
    public List<TensorInfo> tensors() {
        return tensors.stream().map(Declared::info).toList();
    }

    /** Sum of the declared tensors' byte sizes (the index's {@code total_size}). */
    public long dataBytes() {
        long sum = 0;
        for (Declared d : tensors) {
            sum = Math.addExact(sum, d.info().byteSize());
        }
        return sum;
    }

    /** The padded header JSON (N bytes, N a multiple of 8) a single-file write would produce. */
    public byte[] header() {
        return header(tensors, metadata);
    }

    /** Writes every declared tensor into one file, atomically. */
    public void write(Path target, AtomicFileWriter files) {
        write(target, files, Progress.NONE);
    }

    /** Writes every declared tensor into one file, atomically, reporting before each tensor. */
    public void write(Path target, AtomicFileWriter files, Progress progress) {
        writeFile(target, files, tensors, 0, tensors.size(), progress);
    }

    /**
     * Writes the declared tensors as {@code shardCount} files {@code model-0000i-of-0000K.safetensors}
     * plus {@code model.safetensors.index.json} in {@code folder}. Tensors stay in declaration order
     * and are split contiguously into shards of roughly equal bytes (each shard non-empty). Every
     * shard carries the metadata. The index (keys sorted, as Hugging Face writes it) is written last,
     * so an interrupted write never leaves an index pointing at missing shards.
     *
     * @return the index that was written
     * @throws IllegalArgumentException when {@code shardCount} is below 1 or above the tensor count
     */
    public SafetensorsIndex writeSharded(Path folder, int shardCount, AtomicFileWriter files, Progress progress) {
        if (shardCount < 1 || shardCount > tensors.size()) {
            throw new IllegalArgumentException("cannot split " + tensors.size() + " tensors into " + shardCount + " shards");
        }
        int[] assign = assignShards(shardCount);
        Map<String, String> weightMap = new TreeMap<>();
        int start = 0;
        for (int s = 0; s < shardCount; s++) {
            int end = start;
            while (end < tensors.size() && assign[end] == s) {
                end++;
            }
            String shard = shardName(s, shardCount);
            writeFile(folder.resolve(shard), files, tensors, start, end, progress);
            for (int i = start; i < end; i++) {
                weightMap.put(tensors.get(i).info().name(), shard);
            }
            start = end;
        }
        Path indexFile = folder.resolve(SafetensorsIndex.DEFAULT_NAME);
        files.writeBytes(indexFile, indexJson(dataBytes(), weightMap));
        return new SafetensorsIndex(indexFile, weightMap, Map.of("total_size", Long.toString(dataBytes())));
    }

    /** Hugging Face's shard file name, {@code model-00001-of-00003.safetensors} for (0, 3). */
    public static String shardName(int index, int count) {
        return String.format("model-%05d-of-%05d.safetensors", index + 1, count);
    }

    private int[] assignShards(int shardCount) {
        int n = tensors.size();
        int[] assign = new int[n];
        long total = Math.max(1, dataBytes());
        long cum = 0;
        int shard = 0;
        for (int t = 0; t < n; t++) {
            assign[t] = shard;
            cum += tensors.get(t).info().byteSize();
            int tensorsLeft = n - t - 1;
            int shardsLeft = shardCount - shard - 1;
            if (shardsLeft > 0 && tensorsLeft > 0
                    && ((double) cum * shardCount >= (double) (shard + 1) * total || tensorsLeft == shardsLeft)) {
                shard++;
            }
        }
        return assign;
    }

    private void writeFile(Path target, AtomicFileWriter files, List<Declared> all, int from, int to,
                           Progress progress) {
        List<Declared> part = all.subList(from, to);
        byte[] header = header(part, metadata);
        files.write(target, ch -> {
            ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            buf.putLong(header.length);
            flush(ch, buf);
            writeAll(ch, ByteBuffer.wrap(header));
            for (int i = 0; i < part.size(); i++) {
                Declared d = part.get(i);
                progress.beforeTensor(from + i, all.size(), d.info());
                Sink sink = new Sink(target, ch, buf, d.info());
                d.data().writeTo(sink);
                sink.finish();
            }
            flush(ch, buf);
        });
    }

    private static byte[] header(List<Declared> part, Map<String, String> metadata) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            if (!metadata.isEmpty()) {
                g.writeObjectFieldStart(METADATA_KEY);
                for (Map.Entry<String, String> e : metadata.entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            long offset = 0;
            for (Declared d : part) {
                TensorInfo t = d.info();
                g.writeObjectFieldStart(t.name());
                g.writeStringField("dtype", t.dtype().name());
                g.writeFieldName("shape");
                long[] shape = t.shape();
                g.writeArray(shape, 0, shape.length);
                g.writeFieldName("data_offsets");
                g.writeArray(new long[] {offset, offset + t.byteSize()}, 0, 2);
                g.writeEndObject();
                offset += t.byteSize();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JSON generation failed", e);
        }
        int pad = (8 - out.size() % 8) % 8;
        for (int i = 0; i < pad; i++) {
            out.write(' ');
        }
        return out.toByteArray();
    }

    private static byte[] indexJson(long totalSize, Map<String, String> weightMap) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
            g.writeStartObject();
            g.writeObjectFieldStart("metadata");
            g.writeNumberField("total_size", totalSize);
            g.writeEndObject();
            g.writeObjectFieldStart("weight_map");
            for (Map.Entry<String, String> e : weightMap.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("in-memory JSON generation failed", e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static void flush(FileChannel ch, ByteBuffer buf) throws IOException {
        buf.flip();
        writeAll(ch, buf);
        buf.clear();
    }

    private static void writeAll(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Encodes one tensor's elements into the shared buffer, counting them against the declaration. */
    private static final class Sink implements ElementSink {
        private final Path target;
        private final FileChannel ch;
        private final ByteBuffer buf;
        private final TensorInfo info;
        private final int elementBytes;
        private final long expected;
        private long written;
        private final double[] one = new double[1];

        Sink(Path target, FileChannel ch, ByteBuffer buf, TensorInfo info) {
            this.target = target;
            this.ch = ch;
            this.buf = buf;
            this.info = info;
            this.elementBytes = info.dtype().bytesPerBlock();
            this.expected = info.numel();
        }

        @Override
        public void put(double value) throws IOException {
            one[0] = value;
            put(one, 0, 1);
        }

        @Override
        public void put(double[] values, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, values.length);
            claim(length);
            int done = 0;
            while (done < length) {
                int room = buf.remaining() / elementBytes;
                if (room == 0) {
                    flush(ch, buf);
                    continue;
                }
                int n = Math.min(room, length - done);
                ElementEncoder.encode(info.dtype(), values, offset + done, n, buf);
                done += n;
            }
        }

        @Override
        public void putEncoded(ByteBuffer bytes) throws IOException {
            if (bytes.remaining() % elementBytes != 0) {
                throw new CheckpointWriteException(target, CheckpointWriteException.Reason.BAD_DATA, "tensor '"
                        + info.name() + "' received " + bytes.remaining() + " raw bytes, not a whole number of "
                        + info.dtype() + " elements");
            }
            claim(bytes.remaining() / elementBytes);
            flush(ch, buf);
            writeAll(ch, bytes);
        }

        private void claim(long count) {
            if (written + count > expected) {
                throw new CheckpointWriteException(target, CheckpointWriteException.Reason.BAD_DATA, "tensor '"
                        + info.name() + "' received more than the " + expected + " elements its shape "
                        + info.shapeString() + " declares");
            }
            written += count;
        }

        void finish() {
            if (written != expected) {
                throw new CheckpointWriteException(target, CheckpointWriteException.Reason.BAD_DATA, "tensor '"
                        + info.name() + "' received " + written + " of the " + expected + " elements its shape "
                        + info.shapeString() + " declares");
            }
        }
    }

    /** Unmodifiable view of the metadata declared so far. */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }
}
