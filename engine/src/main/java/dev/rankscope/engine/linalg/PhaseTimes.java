package dev.rankscope.engine.linalg;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the time of the randomised top-k pass goes, summed over every matrix and worker thread:
 * per {@link Phase}, the wall time and the CPU time of the thread that ran it. With one BLAS thread
 * per worker (as the quick preview runs) the native work happens on that thread, so the CPU figure
 * is the phase's whole cost and does not grow with the machine's load; the wall figure does.
 * Exists so {@code rankscope bench --quick} can say which phase the preview spends its time in
 * (docs/PERFORMANCE.md) instead of one total.
 *
 * <p>Thread-safe (adders); {@link #NONE} records nothing and costs nothing.
 */
public final class PhaseTimes {
    /** The phases of one matrix's estimate. */
    public enum Phase {
        /** reading, widening to float32, finiteness check and ‖A‖²_F ({@code MatrixReader.readFloat}) */
        READ("read"),
        /** the passes over A: {@code sgemm} with A or Aᵀ */
        MULTIPLY("multiply (sgemm)"),
        /** re-orthonormalisation of the thin panels ({@code sgeqrf}/{@code sorgqr}, block Gram–Schmidt) */
        ORTHONORMALIZE("orthonormalise (QR)"),
        /** singular values of the small projected matrix */
        SMALL_SVD("small SVD");

        private final String label;

        Phase(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Records nothing. */
    public static final PhaseTimes NONE = new PhaseTimes(false);

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final boolean enabled;
    private final Map<Phase, LongAdder> wallNanos = new EnumMap<>(Phase.class);
    private final Map<Phase, LongAdder> cpuNanos = new EnumMap<>(Phase.class);

    /** A recorder that sums every phase reported to it. */
    public PhaseTimes() {
        this(true);
    }

    private PhaseTimes(boolean enabled) {
        this.enabled = enabled && THREADS.isCurrentThreadCpuTimeSupported();
        for (Phase p : Phase.values()) {
            wallNanos.put(p, new LongAdder());
            cpuNanos.put(p, new LongAdder());
        }
    }

    /** The start of a phase on the calling thread; pass it to {@link #end} on the same thread. */
    public long[] start() {
        return enabled ? new long[] {System.nanoTime(), THREADS.getCurrentThreadCpuTime()} : null;
    }

    /** Adds the time since {@code start} (from {@link #start} on this thread) to {@code phase}. */
    public void end(Phase phase, long[] start) {
        if (start != null) {
            wallNanos.get(phase).add(System.nanoTime() - start[0]);
            cpuNanos.get(phase).add(THREADS.getCurrentThreadCpuTime() - start[1]);
        }
    }

    /** Seconds of wall time summed over threads. */
    public double wallSeconds(Phase phase) {
        return wallNanos.get(phase).sum() / 1e9;
    }

    /** Seconds of the recording threads' CPU time. */
    public double cpuSeconds(Phase phase) {
        return cpuNanos.get(phase).sum() / 1e9;
    }

    /** One line: each phase's CPU seconds (wall in brackets) and the CPU total. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        double cpu = 0;
        for (Phase p : Phase.values()) {
            cpu += cpuSeconds(p);
            s.append(String.format(Locale.ROOT, "%s %.1f (%.1f); ", p.label(), cpuSeconds(p), wallSeconds(p)));
        }
        return s.append(String.format(Locale.ROOT, "total %.1f CPU-s (wall summed over workers in brackets)", cpu)).toString();
    }
}
