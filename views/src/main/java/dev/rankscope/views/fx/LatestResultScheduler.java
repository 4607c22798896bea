package dev.rankscope.views.fx;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs a computation on the work executor and applies its result on the UI executor only if no
 * newer request was submitted meanwhile (after MZmine's LatestTaskScheduler). Callers snapshot
 * their inputs before {@link #submit}; the supplier must not read FX properties.
 *
 * <p>A computation that throws is a task boundary: the failure is logged once and handed to the
 * error consumer on the UI thread (if still latest), never swallowed silently.
 */
public final class LatestResultScheduler {
    private static final System.Logger LOG = System.getLogger(LatestResultScheduler.class.getName());

    private final Executor work;
    private final Executor ui;
    private final AtomicLong latest = new AtomicLong();

    public LatestResultScheduler(Executor work, Executor ui) {
        this.work = work;
        this.ui = ui;
    }

    /**
     * Schedules {@code compute} and applies its result with {@code apply} on the UI executor if it
     * is still the latest request. Supersedes every earlier request.
     */
    public <R> void submit(Supplier<R> compute, Consumer<R> apply, Consumer<RuntimeException> onError) {
        long request = latest.incrementAndGet();
        work.execute(() -> {
            if (request != latest.get()) {
                return; // superseded before it started
            }
            R result;
            try {
                result = compute.get();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "background computation failed", e);
                ui.execute(() -> {
                    if (request == latest.get()) {
                        onError.accept(e);
                    }
                });
                return;
            }
            ui.execute(() -> {
                if (request == latest.get()) {
                    apply.accept(result);
                }
            });
        });
    }

    /** Drops every pending result (e.g. when the input was cleared synchronously). */
    public void invalidate() {
        latest.incrementAndGet();
    }
}
