package dev.rankscope.runtime;

import dev.rankscope.engine.linalg.FloatGemm;
import dev.rankscope.engine.linalg.NativeLibrary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Forward-pass throughput next to the engine's own {@code sgemm} in the same process (issue 15's
 * benchmark; shown by {@code rankscope bench --forward}, never a timed test). Runs a causal LM on
 * random token ids (logits computed and discarded) and counts the matmul work actually done:
 * {@code 2·tokens·Σ in·out} over linear modules and the LM head, plus {@code 4·len²·d} per head
 * and sequence for attention scores and context. The sgemm reference multiplies min(tokens, 512) ×
 * hidden by an MLP weight's shape (intermediate × hidden, transposed B, as the runtime calls it),
 * timed after each forward pass so that a changing load hits both alike; speeds are given per
 * second of wall time and per second of process CPU time (every thread, OpenBLAS's included).
 *
 * <p>Stateless; call from a worker thread. Reads the model's weights once per repeat.
 */
public final class ForwardBench {

    /**
     * What to run.
     *
     * @param model          a causal LM folder (tokenizer.json not needed)
     * @param sequenceLength tokens per sequence, ≥ 2
     * @param sequences      sequences per batch, ≥ 1
     * @param repeats        forward passes timed (median reported), ≥ 1
     */
    public record Parameters(Path model, int sequenceLength, int sequences, int repeats) {
        public Parameters {
            if (sequenceLength < 2 || sequences < 1 || repeats < 1) {
                throw new IllegalArgumentException("sequence length ≥ 2, sequences ≥ 1 and repeats ≥ 1 are required");
            }
        }
    }

    /**
     * Measured figures. Under a shared, loaded machine wall-clock speeds move with the load; the
     * sgemm reference is therefore timed between the forward passes (after each one) and the
     * ratios are taken pass by pass, by wall and by process CPU time (all threads, OpenBLAS's too).
     *
     * @param tokens         tokens per forward pass
     * @param forwardSeconds median wall time of one forward pass (weights widened inside, as in real runs)
     * @param forwardCpuSeconds median process CPU time of one forward pass
     * @param forwardGflop   matmul work of one pass, GFLOP
     * @param sgemmGflops    the engine's sgemm alone on the reference shape, GFLOP/s of wall (median)
     * @param sgemmGflopsPerCpuSecond the same per second of process CPU time (median)
     * @param wallEfficiency median over the passes of forward GFLOP/s ÷ the sgemm GFLOP/s timed after it
     * @param cpuEfficiency  the same with GFLOP per CPU-second
     * @param totalSeconds   wall time of the whole benchmark (passes and references)
     * @param sgemmShape     that shape, {@code m×n×k}
     * @param blas           {@code native OpenBLAS <version>, core <core>, <threads> threads} or the Java fallback
     * @param peakRssMb      the process's peak resident set (VmHWM), MB; -1 when unknown
     */
    public record Result(int tokens, double forwardSeconds, double forwardCpuSeconds, double forwardGflop,
                         double sgemmGflops, double sgemmGflopsPerCpuSecond, double wallEfficiency, double cpuEfficiency,
                         double totalSeconds, String sgemmShape, String blas, long peakRssMb) {

        /** Forward GFLOP/s (wall). */
        public double forwardGflops() {
            return forwardGflop / forwardSeconds;
        }

        /** Forward GFLOP per CPU-second. */
        public double forwardGflopsPerCpuSecond() {
            return forwardGflop / forwardCpuSeconds;
        }

        /** Tokens per second of wall time. */
        public double tokensPerSecond() {
            return tokens / forwardSeconds;
        }

        /** Forward throughput as a fraction of sgemm's (wall, pass by pass). */
        public double efficiency() {
            return wallEfficiency;
        }
    }

    /** Rows of the sgemm reference (at most the batch's tokens): enough to reach sgemm's plateau. */
    static final int SGEMM_ROWS = 512;

    private ForwardBench() {
    }

    /** Runs the benchmark (see the class comment). */
    public static Result run(Parameters p, ForwardMonitor monitor) {
        try (ModelFolder folder = ModelFolder.openWithoutTokenizer(p.model())) {
            RuntimeConfig cfg = folder.config();
            if (!cfg.architecture().isCausal()) {
                throw new ModelRuntimeException("The forward benchmark needs a causal LM; " + p.model() + " is a "
                        + cfg.modelType() + " encoder.");
            }
            ModelRuntime rt = ModelRuntime.of(folder);
            SplittableRandom rnd = new SplittableRandom(7);
            List<int[]> seqs = new ArrayList<>();
            for (int s = 0; s < p.sequences(); s++) {
                seqs.add(rnd.ints(p.sequenceLength(), 0, cfg.vocabSize()).toArray());
            }
            int tokens = p.sequenceLength() * p.sequences();
            double flop = 0;
            boolean headModule = false;
            for (LinearModule m : rt.linearModules()) {
                flop += 2.0 * tokens * m.inFeatures() * m.outFeatures();
                headModule |= m.layer() < 0;
            }
            if (!headModule) {
                flop += 2.0 * tokens * cfg.hidden() * cfg.vocabSize();
            }
            flop += 4.0 * p.sequences() * (double) p.sequenceLength() * p.sequenceLength() * cfg.headDim()
                    * cfg.heads() * cfg.layers();
            int n = cfg.intermediate();
            int k = cfg.hidden();
            int m = Math.min(tokens, SGEMM_ROWS);
            Sgemm sgemm = new Sgemm(m, n, k);
            double[] wall = new double[p.repeats()];
            double[] cpu = new double[p.repeats()];
            double[] refWall = new double[p.repeats()];
            double[] refCpu = new double[p.repeats()];
            double[] wallRatio = new double[p.repeats()];
            double[] cpuRatio = new double[p.repeats()];
            long start = System.nanoTime();
            for (int r = 0; r < p.repeats(); r++) {
                long t0 = System.nanoTime();
                long c0 = processCpuNanos();
                rt.forward(seqs, ForwardOptions.defaults().withMonitor(monitor).withLogits((s, first, block) -> { }));
                wall[r] = (System.nanoTime() - t0) / 1e9;
                cpu[r] = Math.max(1e-9, (processCpuNanos() - c0) / 1e9);   // a pass shorter than the CPU clock's tick
                double[] ref = sgemm.time();
                refWall[r] = ref[0];
                refCpu[r] = ref[1];
                wallRatio[r] = (flop / wall[r]) / refWall[r];
                cpuRatio[r] = (flop / cpu[r]) / refCpu[r];
            }
            double total = (System.nanoTime() - start) / 1e9;
            return new Result(tokens, median(wall), median(cpu), flop / 1e9, median(refWall) / 1e9, median(refCpu) / 1e9,
                    median(wallRatio), median(cpuRatio), total, m + "×" + n + "×" + k, blas(), peakRssMb());
        }
    }

    /** The sgemm reference {@code C (m×n) = A (m×k) · Bᵀ (B n×k)} with random operands, warmed up once. */
    private static final class Sgemm {
        private final int m;
        private final int n;
        private final int k;
        private final float[] a;
        private final float[] b;
        private final float[] c;

        Sgemm(int m, int n, int k) {
            this.m = m;
            this.n = n;
            this.k = k;
            SplittableRandom rnd = new SplittableRandom(11);
            a = new float[m * k];
            b = new float[n * k];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rnd.nextDouble(-1, 1);
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) rnd.nextDouble(-1, 1);
            }
            c = new float[m * n];
            multiply();
        }

        private void multiply() {
            FloatGemm.multiply(false, true, m, n, k, 1f, a, k, b, k, 0f, c, n);
        }

        /** FLOP per second of wall and per second of process CPU time, each the median of 3 calls. */
        double[] time() {
            double[] wall = new double[3];
            double[] cpu = new double[3];
            for (int r = 0; r < wall.length; r++) {
                long t0 = System.nanoTime();
                long c0 = processCpuNanos();
                multiply();
                wall[r] = (System.nanoTime() - t0) / 1e9;
                cpu[r] = Math.max(1e-9, (processCpuNanos() - c0) / 1e9);
            }
            double flop = 2.0 * m * n * k;
            return new double[] {flop / median(wall), flop / median(cpu)};
        }
    }

    /** CPU time of this process so far (every thread, native ones included), in nanoseconds. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return System.nanoTime();
    }

    /** Which BLAS runs the matmuls. */
    public static String blas() {
        NativeLibrary.Status s = NativeLibrary.status();
        if (!s.available()) {
            return "pure-Java sgemm fallback (native OpenBLAS unavailable: " + s.failure() + ")";
        }
        return "native " + s.version() + ", core " + s.runtimeCore() + ", " + NativeLibrary.threads() + " threads";
    }

    private static double median(double[] x) {
        double[] c = x.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    /** VmHWM of /proc/self/status in MB (the process's peak resident set), or -1 off Linux. */
    public static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
