package dev.rankscope.views.testing;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executor;

/** Holds submitted runnables until the test runs them, in any order it likes. */
public final class ManualExecutor implements Executor {
    public final Deque<Runnable> queue = new ArrayDeque<>();

    @Override
    public void execute(Runnable command) {
        queue.add(command);
    }

    public void runAll() {
        while (!queue.isEmpty()) {
            queue.poll().run();
        }
    }

    public int size() {
        return queue.size();
    }
}
