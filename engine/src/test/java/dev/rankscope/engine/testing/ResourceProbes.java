package dev.rankscope.engine.testing;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * JVM resource readings for the leak tests (hostile-input robustness: repeated open → close cycles must not grow
 * the heap, the open file descriptors or the direct/mapped buffer pools). Test-only; shared with
 * the views and tests modules through the engine test-jar. Each reading is a snapshot of the
 * whole JVM, so callers compare two readings taken on the same thread with no other work running.
 */
public final class ResourceProbes {

    private ResourceProbes() {
    }

    /**
     * Used heap in bytes after repeated full collections, until two readings agree within 64 KB
     * (at most 10 tries, 20 ms apart; the last reading otherwise). Keeps the thread's interrupt flag.
     */
    public static long usedHeapAfterGc() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) < 64 * 1024) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    /** Entries of /proc/self/fd, i.e. the process's open file descriptors (Linux; the CI platform). */
    public static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** {@code {count, bytes}} summed over the JVM's direct and mapped buffer pools. */
    public static long[] bufferPools() {
        long count = 0;
        long bytes = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            count += pool.getCount();
            bytes += pool.getMemoryUsed();
        }
        return new long[] {count, bytes};
    }
}
