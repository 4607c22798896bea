package dev.rankscope.views.fx;

import javafx.application.Platform;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The three places workbench code runs, injected into every ViewModel (STYLE: "runs work on an
 * injected executor, applies the result on the FX thread"):
 *
 * @param work  short computations (opening a header, building chart datasets, writing a CSV)
 * @param tasks long analysis tasks (one thread each, so a long analysis never starves {@code work})
 * @param ui    the FX thread ({@code Platform::runLater}); results are applied here only
 */
public record WorkbenchExecutors(Executor work, Executor tasks, Executor ui) {

    /** Daemon pools for the real application: 2 work threads, unbounded task threads, the FX thread. */
    public static WorkbenchExecutors standard() {
        ExecutorService work = Executors.newFixedThreadPool(2, daemon("rankscope-work"));
        ExecutorService tasks = Executors.newCachedThreadPool(daemon("rankscope-task"));
        return new WorkbenchExecutors(work, tasks, Platform::runLater);
    }

    /** Everything on the calling thread: ViewModel tests run deterministically with no robot. */
    public static WorkbenchExecutors sameThread() {
        Executor direct = Runnable::run;
        return new WorkbenchExecutors(direct, direct, direct);
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
