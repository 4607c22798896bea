package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Test fixture: float64 tensors in memory (the shared {@link InMemoryTensorSource}) with counters
 * of how many elements were read and the largest single read, to prove streaming never loads a
 * whole matrix.
 */
final class CountingTensorSource implements TensorSource {
    private final InMemoryTensorSource.Builder builder = InMemoryTensorSource.builder("memory.safetensors");
    private InMemoryTensorSource built;
    final AtomicLong elementsRead = new AtomicLong();
    final AtomicLong largestRead = new AtomicLong();
    /** Milliseconds each read sleeps (a slow disk); 0 by default. */
    volatile long readDelayMillis;
    /** Tensors named in {@link #prefetch} calls, in call order. */
    final List<String> prefetched = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    CountingTensorSource add(String name, double[] values, long... shape) {
        builder.tensor(name, DType.F64, shape, values);
        built = builder.build();
        return this;
    }

    @Override
    public Path path() {
        return built.path();
    }

    @Override
    public String format() {
        return built.format();
    }

    @Override
    public List<TensorInfo> tensors() {
        return built.tensors();
    }

    @Override
    public Map<String, String> metadata() {
        return built.metadata();
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        if (readDelayMillis > 0) {
            try {
                Thread.sleep(readDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        built.readElements(name, first, count, dst, dstOffset);
        elementsRead.addAndGet(count);
        largestRead.accumulateAndGet(count, Math::max);
    }

    @Override
    public void prefetch(String name) {
        prefetched.add(name);
    }

    @Override
    public void close() {
        built.close();
    }
}
