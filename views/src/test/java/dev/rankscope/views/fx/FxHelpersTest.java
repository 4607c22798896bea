package dev.rankscope.views.fx;

import dev.rankscope.views.testing.ManualExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FxHelpersTest {

    @Test
    void batcherCoalescesItemsIntoOneDrain() {
        ManualExecutor ui = new ManualExecutor();
        List<List<Integer>> batches = new ArrayList<>();
        UiBatcher<Integer> b = new UiBatcher<>(ui, batches::add);
        b.offer(1);
        b.offer(2);
        b.offer(3);
        assertEquals(1, ui.size());
        ui.runAll();
        b.offer(4);
        ui.runAll();
        assertEquals(List.of(List.of(1, 2, 3), List.of(4)), batches);
    }

    @Test
    void schedulerAppliesOnlyTheLatestAndReportsFailures() {
        ManualExecutor work = new ManualExecutor();
        ManualExecutor ui = new ManualExecutor();
        LatestResultScheduler s = new LatestResultScheduler(work, ui);
        List<String> applied = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        s.submit(() -> "first", applied::add, e -> errors.add(e.getMessage()));
        Runnable first = work.queue.poll();
        s.submit(() -> "second", applied::add, e -> errors.add(e.getMessage()));
        work.runAll();
        first.run();
        ui.runAll();
        assertEquals(List.of("second"), applied);
        s.<String>submit(() -> {
            throw new IllegalStateException("boom");
        }, applied::add, e -> errors.add(e.getMessage()));
        work.runAll();
        ui.runAll();
        assertEquals(List.of("boom"), errors);
        s.submit(() -> "late", applied::add, e -> { });
        s.invalidate();
        work.runAll();
        ui.runAll();
        assertEquals(List.of("second"), applied);
    }
}
