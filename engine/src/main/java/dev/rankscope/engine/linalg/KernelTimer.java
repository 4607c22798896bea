package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;

import java.util.Random;

/**
 * Single-thread timings of the kernels behind the exact singular values, for benchmarks
 * ({@code rankscope bench}): the Gram {@code dsyrk}, the one-stage ({@code dsytrd} + {@code dsterf})
 * and two-stage ({@code dsytrd_2stage} + {@code dsterf}) eigenvalue reductions. The "kernel floor"
 * of a run is the sum of these over its matrices divided by the cores: what the run would take if
 * the pipeline added nothing. Sets OpenBLAS to one thread while timing and restores the previous
 * count; not for concurrent use with other native work.
 */
public final class KernelTimer {
    private KernelTimer() {
    }

    /**
     * @param syrkSeconds    dsyrk of the m×n matrix's p×p Gram
     * @param eigenSeconds   eigenvalues of the p×p Gram by the reduction the engine picks for p
     * @param oneStage       one-stage reduction time at p
     * @param twoStage       two-stage reduction time at p
     */
    public record Timing(int m, int n, double syrkSeconds, double eigenSeconds, double oneStage, double twoStage) {
        /** The kernel time of one matrix of this shape. */
        public double seconds() {
            return syrkSeconds + eigenSeconds;
        }
    }

    /**
     * Times the kernels for one m×n shape (median of {@code repeat}). dsyrk runs on at most
     * 4·p rows of random data and is scaled linearly to the larger side (its cost is
     * proportional to it), so a 32000×4096 embedding needs no 1 GB buffer.
     */
    public static Timing time(int m, int n, int repeat, long seed) {
        NativeLibrary.requireAvailable();
        int p = Math.min(m, n);
        int big = Math.max(m, n);
        int rows = Math.min(big, 4 * p);
        int before = NativeLibrary.threads();
        NativeLibrary.setThreads(1);
        Random rnd = new Random(seed);
        try (DoublePointer a = NativeBackend.allocate((long) rows * p); DoublePointer g = NativeBackend.allocate((long) p * p);
             DoublePointer h = NativeBackend.allocate((long) p * p)) {
            double[] row = new double[p];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < p; j++) {
                    row[j] = rnd.nextGaussian();
                }
                a.position((long) i * p).put(row);
            }
            a.position(0);
            double[] syrk = new double[repeat];
            double[] one = new double[repeat];
            double[] two = new double[repeat];
            for (int r = 0; r < repeat; r++) {
                long t0 = System.nanoTime();
                NativeBackend.syrk(a, rows, p, g);      // rows ≥ p: AᵀA, p×p
                syrk[r] = (System.nanoTime() - t0) / 1e9 * big / rows;
                org.bytedeco.javacpp.Pointer.memcpy(h, g, 8L * p * p);
                long t1 = System.nanoTime();
                TridiagonalEigen.valuesTwoStage(g, p);
                two[r] = (System.nanoTime() - t1) / 1e9;
                long t2 = System.nanoTime();
                try (TridiagonalEigen eig = TridiagonalEigen.reduce(h, p)) {
                    one[r] = (System.nanoTime() - t2) / 1e9;
                }
            }
            double oneStage = median(one);
            double twoStage = median(two);
            double eigen = p >= TridiagonalEigen.twoStageFrom() ? twoStage : oneStage;
            return new Timing(m, n, median(syrk), eigen, oneStage, twoStage);
        } finally {
            NativeLibrary.setThreads(Math.max(1, before));
        }
    }

    /** The order from which the engine uses the two-stage reduction ({@code -Drankscope.twoStageFrom}). */
    public static int twoStageFrom() {
        return TridiagonalEigen.twoStageFrom();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s[s.length / 2];
    }
}
