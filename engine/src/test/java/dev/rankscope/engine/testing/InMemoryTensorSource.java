package dev.rankscope.engine.testing;

import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: a {@link TensorSource} whose tensors live in memory as float64 arrays (C order).
 * The reported dtype is whatever the test declares (default F32); values are returned exactly as
 * given, without rounding to that dtype. Build with {@link #builder(String)}; immutable once built.
 * Shared with other modules through the engine test-jar.
 */
public final class InMemoryTensorSource implements TensorSource {
    private final Path path;
    private final Map<String, TensorInfo> infos;
    private final Map<String, double[]> data;
    private final Map<String, String> metadata;

    private InMemoryTensorSource(Path path, Map<String, TensorInfo> infos, Map<String, double[]> data,
                                 Map<String, String> metadata) {
        this.path = path;
        this.infos = infos;
        this.data = data;
        this.metadata = Map.copyOf(metadata);
    }

    public static Builder builder(String name) {
        return new Builder(Path.of(name));
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return "in-memory";
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos.values());
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        require(name);
        double[] values = data.get(name);
        if (first < 0 || count < 0 || first + count > values.length) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count)
                    + ") outside tensor '" + name + "' of " + values.length);
        }
        System.arraycopy(values, (int) first, dst, dstOffset, count);
    }

    @Override
    public void close() {
        // nothing to release
    }

    /** Collects tensors in insertion order (the order {@link #tensors()} reports). */
    public static final class Builder {
        private final Path path;
        private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
        private final Map<String, double[]> data = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(Path path) {
            this.path = path;
        }

        /** Adds an F32 tensor; {@code values} is copied and must hold exactly prod(shape) elements. */
        public Builder tensor(String name, long[] shape, double[] values) {
            return tensor(name, DType.F32, shape, values);
        }

        /** Adds a 2-D F32 tensor from a row-major array. */
        public Builder matrix(String name, int rows, int cols, double[] values) {
            return tensor(name, new long[] {rows, cols}, values);
        }

        public Builder tensor(String name, DType dtype, long[] shape, double[] values) {
            long numel = 1;
            for (long d : shape) {
                numel *= d;
            }
            if (numel != values.length) {
                throw new IllegalArgumentException(name + ": " + values.length + " values for shape numel " + numel);
            }
            if (infos.containsKey(name)) {
                throw new IllegalArgumentException("duplicate tensor " + name);
            }
            infos.put(name, new TensorInfo(name, dtype, shape, dtype.byteSize(numel)));
            data.put(name, values.clone());
            return this;
        }

        public Builder metadata(String key, String value) {
            metadata.put(key, value);
            return this;
        }

        public InMemoryTensorSource build() {
            return new InMemoryTensorSource(path, new LinkedHashMap<>(infos), new LinkedHashMap<>(data),
                    new LinkedHashMap<>(metadata));
        }
    }

    /** Convenience: tensor names in order. */
    public List<String> names() {
        return new ArrayList<>(infos.keySet());
    }
}
