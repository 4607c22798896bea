package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;
import org.bytedeco.javacpp.Pointer;

import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * Admission control for the memory of concurrent matrix computations (robustness against hostile input, "a watchdog
 * message for a matrix whose computation would exceed memory"). Each computation states what it
 * will allocate on the Java heap and off-heap (JavaCPP pointers, counted against
 * {@link Pointer#maxBytes()}) before allocating it:
 * <ul>
 *   <li>a need larger than the whole budget is refused at once with a message naming the matrix,
 *       the bytes needed and the limit — instead of an {@link OutOfMemoryError} halfway through;</li>
 *   <li>a need that fits the budget but not what other workers hold right now waits until they
 *       release it, so two large matrices are never decomposed at the same time when together
 *       they would not fit.</li>
 * </ul>
 * The estimates are those of {@link Need}'s factories (the arrays each path allocates; LAPACK
 * workspaces are small next to them and are covered by the headroom left outside the budget).
 *
 * <p>Thread-safe: shared by the workers of one {@link SpectrumTask}.
 */
public final class MemoryBudget {
    /** Fraction of the heap and of JavaCPP's limit that computations may claim together. */
    static final double SHARE = 0.8;
    /** Never budget less than this for each pool (tiny heaps still analyse small matrices). */
    static final long FLOOR = 64L << 20;

    private final long heapLimit;
    private final long nativeLimit;
    private long heapHeld;
    private long nativeHeld;

    /**
     * @param heapLimit   bytes of Java heap computations may hold at once
     * @param nativeLimit bytes of off-heap memory computations may hold at once
     */
    public MemoryBudget(long heapLimit, long nativeLimit) {
        if (heapLimit <= 0 || nativeLimit <= 0) {
            throw new IllegalArgumentException("memory limits must be positive");
        }
        this.heapLimit = heapLimit;
        this.nativeLimit = nativeLimit;
    }

    /**
     * A budget from this JVM: {@value #SHARE} of the heap not in use now (the maximum heap minus
     * what is currently used), and {@value #SHARE} of JavaCPP's off-heap limit not in use now.
     */
    public static MemoryBudget fromRuntime() {
        Runtime rt = Runtime.getRuntime();
        long heapFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        long nativeFree = Pointer.maxBytes() > 0 ? Pointer.maxBytes() - Pointer.totalBytes() : rt.maxMemory();
        return new MemoryBudget(Math.max(FLOOR, (long) (SHARE * heapFree)), Math.max(FLOOR, (long) (SHARE * nativeFree)));
    }

    public long heapLimit() {
        return heapLimit;
    }

    public long nativeLimit() {
        return nativeLimit;
    }

    /**
     * What one step of a matrix computation allocates.
     *
     * @param heap     bytes on the Java heap
     * @param offHeap  bytes off-heap (JavaCPP)
     * @param purpose  what the memory is for, for the message ("an exact SVD (dgesdd)")
     */
    public record Need(long heap, long offHeap, String purpose) {
        public Need {
            if (heap < 0 || offHeap < 0) {
                throw new IllegalArgumentException("memory needs are non-negative");
            }
        }

        /**
         * The streamed Gram path ({@link StreamingGram}): a decode buffer of one block on the
         * heap; the p×p Gram and one block off-heap.
         */
        public static Need streamedGram(MatrixRef ref, int blockElements) {
            long block = Math.max(blockElements, ref.maxDim());
            long p = ref.minDim();
            return new Need(8 * block, 8 * (p * p + block), "a Gram matrix");
        }

        /**
         * The matrix read whole into float64 ({@code 8·m·n} on the heap) and decomposed with
         * the native dgesdd/sgesdd on an off-heap copy ({@code 8·m·n}, or {@code 4·m·n} in float32,
         * plus the Gram of the smaller side when the in-memory Gram path is tried first).
         */
        public static Need inMemoryNative(MatrixRef ref, Precision precision, boolean gramFirst) {
            long mn = ref.numel();
            long p = ref.minDim();
            long copy = precision == Precision.F32 ? 4 * mn : 8 * mn;
            return new Need(8 * mn, copy + (gramFirst ? 8 * p * p : 0), "an exact SVD");
        }

        /**
         * The matrix read whole and decomposed on the heap by the pure-Java backend, which keeps
         * its own working copies (counted as two more of the matrix).
         */
        public static Need onHeap(MatrixRef ref) {
            return new Need(3 * 8 * ref.numel(), 0, "an exact SVD (Java engine)");
        }
    }

    /**
     * Claims {@code need} for the matrix {@code ref}, waiting while other workers hold too much.
     *
     * @param cancelled polled while waiting; when it turns true the wait ends with
     *                  {@link java.util.concurrent.CancellationException}
     * @throws RankscopeException when the need exceeds the whole budget (the watchdog message)
     */
    public void acquire(MatrixRef ref, Need need, BooleanSupplier cancelled) {
        if (need.heap() > heapLimit || need.offHeap() > nativeLimit) {
            throw new RankscopeException(refusal(ref, need));
        }
        synchronized (this) {
            while (heapHeld + need.heap() > heapLimit || nativeHeld + need.offHeap() > nativeLimit) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException("cancelled while waiting for memory");
                }
                try {
                    wait(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.util.concurrent.CancellationException("interrupted while waiting for memory");
                }
            }
            heapHeld += need.heap();
            nativeHeld += need.offHeap();
        }
    }

    /** Returns what {@link #acquire} claimed. */
    public synchronized void release(Need need) {
        heapHeld -= need.heap();
        nativeHeld -= need.offHeap();
        notifyAll();
    }

    /** Bytes currently claimed, heap and off-heap (for tests and diagnostics). */
    public synchronized long[] held() {
        return new long[] {heapHeld, nativeHeld};
    }

    private String refusal(MatrixRef ref, Need need) {
        boolean heapShort = need.heap() > heapLimit;
        long needed = heapShort ? need.heap() : need.offHeap();
        long limit = heapShort ? heapLimit : nativeLimit;
        return String.format(Locale.ROOT,
                "matrix %s (%s) needs about %s of %s memory for %s, more than the %s this process may use; "
                        + "not computed. Give Java more memory (e.g. RANKSCOPE_JAVA_OPTS=-Xmx%dg)",
                ref.id(), ref.shapeString(), bytes(needed), heapShort ? "Java heap" : "off-heap", need.purpose(),
                bytes(limit), Math.max(2, (long) Math.ceil(needed / SHARE / (1L << 30)) + 1));
    }

    /** 1536 → "1.5 KB"; binary units, one decimal. */
    static String bytes(long b) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
