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
    /** Tensors named in {@link #prefetch} calls, in call order. */
    final List<String> prefetched = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    /**
     * Tensors whose reads wait until they were named in a {@link #prefetch} call (a disk slower than
     * any scheduling delay of the read-ahead thread); none by default.
     */
    volatile java.util.Set<String> readsAwaitPrefetch = java.util.Set.of();

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
        if (readsAwaitPrefetch.contains(name)) {
            awaitPrefetch(name);
        }
        built.readElements(name, first, count, dst, dstOffset);
        elementsRead.addAndGet(count);
        largestRead.accumulateAndGet(count, Math::max);
    }

    @Override
    public void prefetch(String name) {
        synchronized (prefetched) {
            prefetched.add(name);
            prefetched.notifyAll();
        }
    }

    /** Waits until {@code name} was prefetched; the 60 s deadline only guards against a hang. */
    private void awaitPrefetch(String name) {
        long until = System.nanoTime() + 60_000_000_000L;
        synchronized (prefetched) {
            while (!prefetched.contains(name) && System.nanoTime() < until) {
                try {
                    prefetched.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        built.close();
    }
}
