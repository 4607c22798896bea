package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** A float64 tensor source held in memory, counting elements read (tests only). */
final class InMemoryTensorSource implements TensorSource {
    private final Map<String, double[]> data = new LinkedHashMap<>();
    private final List<TensorInfo> infos = new ArrayList<>();
    final AtomicLong elementsRead = new AtomicLong();
    final AtomicLong largestRead = new AtomicLong();

    InMemoryTensorSource add(String name, double[] values, long... shape) {
        data.put(name, values.clone());
        infos.add(new TensorInfo(name, DType.F64, shape, values.length * 8L));
        return this;
    }

    @Override
    public Path path() {
        return Path.of("memory.safetensors");
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
        elementsRead.addAndGet(count);
        largestRead.accumulateAndGet(count, Math::max);
    }

    @Override
    public void close() {
    }
}
