package dev.rankscope.analysis.testing;

import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test-only tensor source over float64 arrays held in memory. */
public final class InMemoryTensorSource implements TensorSource {
    private final Path path;
    private final List<TensorInfo> infos = new ArrayList<>();
    private final Map<String, double[]> data = new LinkedHashMap<>();

    public InMemoryTensorSource(Path path) {
        this.path = path;
    }

    /** Adds a tensor (C order values) and returns this source. */
    public InMemoryTensorSource add(String name, DType dtype, long[] shape, double[] values) {
        infos.add(new TensorInfo(name, dtype, shape, values.length * 4L));
        data.put(name, values.clone());
        return this;
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public String format() {
        return "memory";
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos);
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        System.arraycopy(data.get(name), (int) first, dst, dstOffset, count);
    }

    @Override
    public void close() {
    }
}
