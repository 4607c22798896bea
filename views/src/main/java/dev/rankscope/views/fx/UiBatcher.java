package dev.rankscope.views.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Collects items offered from worker threads and hands them to the UI executor in batches: at
 * most one drain is pending at a time, so a thousand results finishing together cost one FX
 * pulse, not a thousand. Thread-safe; the consumer runs on the UI executor only.
 */
public final class UiBatcher<T> {
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor ui;
    private final Consumer<List<T>> consumer;

    public UiBatcher(Executor ui, Consumer<List<T>> consumer) {
        this.ui = ui;
        this.consumer = consumer;
    }

    /** Queues one item; callable from any thread. */
    public void offer(T item) {
        queue.add(item);
        if (scheduled.compareAndSet(false, true)) {
            ui.execute(this::drain);
        }
    }

    private void drain() {
        scheduled.set(false);
        List<T> batch = new ArrayList<>();
        T item;
        while ((item = queue.poll()) != null) {
            batch.add(item);
        }
        if (!batch.isEmpty()) {
            consumer.accept(batch);
        }
    }
}
