package dev.rankscope.engine.bench;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.NativeLibrary;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.Precision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Times every SVD path on seeded synthetic matrices and reports speed and accuracy; the CLI
 * ({@code rankscope bench}) formats the records. Prints nothing.
 *
 * <p>Matrices: {@link SyntheticMatrices#withSpectrum} with the power-law spectrum
 * σ_i = (i+1)^−0.6 (like trained transformer weights), one per size, seeded.
 *
 * <p>Paths, all values only: native {@code dgesdd} float64 (the reference), the raw native
 * Gram path (dsyrk + dsyevd, regardless of the accuracy decision), the engine's automatic
 * native choice (Gram when its error estimate accepts, else dgesdd; the method used is
 * reported), native {@code sgesdd} float32, and ojAlgo float64 (only up to
 * {@link Parameters#ojAlgoMaxDim}: it is 10–100× slower).
 *
 * <p>Flop models (m ≥ n after transposing; "GFLOP/s" = model flops / median seconds / 1e9):
 * <ul>
 *   <li>SVD values only (gesdd, sgesdd, ojAlgo): {@code 4mn² − 4n³/3} (Householder bidiagonalisation,
 *       which dominates; the bidiagonal values are O(n²));</li>
 *   <li>Gram: {@code mn² + 4n³/3} (dsyrk's half of the product, plus tridiagonalisation).</li>
 * </ul>
 * Deviation is measured against the dgesdd float64 σ of the same matrix:
 * {@code maxRelativeDeviation} = max |Δσ_i|/σ_i over σ_i ≥ smallCut·σ₁, and
 * {@code maxAbsoluteDeviation} = max |Δσ_i|/σ₁ over all i.
 *
 * <p>Thread: runs on the caller's thread; uses the native library's current BLAS thread count
 * (reported in each record).
 */
public final class SvdBenchmark {

    /** Which computation a record timed. */
    public enum Path {
        NATIVE_GESDD_F64("native gesdd f64"),
        NATIVE_GRAM_RAW_F64("native gram f64 (raw)"),
        NATIVE_AUTO_F64("native auto f64"),
        NATIVE_SGESDD_F32("native sgesdd f32"),
        OJALGO_F64("ojalgo f64");

        private final String label;

        Path(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** A matrix shape {@code rows×cols}. */
    public record Shape(int rows, int cols) {
        public Shape {
            if (rows < 1 || cols < 1) {
                throw new IllegalArgumentException("shape must be positive: " + rows + "x" + cols);
            }
        }

        /** Parses {@code 4096x11008} (also {@code ×}). */
        public static Shape parse(String text) {
            String[] parts = text.trim().toLowerCase(Locale.ROOT).split("[x×]");
            if (parts.length != 2) {
                throw new IllegalArgumentException("size must look like 4096x11008, got '" + text + "'");
            }
            try {
                return new Shape(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("size must look like 4096x11008, got '" + text + "'", e);
            }
        }

        public int minDim() {
            return Math.min(rows, cols);
        }

        @Override
        public String toString() {
            return rows + "x" + cols;
        }
    }

    /**
     * @param sizes        matrix shapes to time
     * @param repeats      timed runs per path (median reported), ≥ 1
     * @param seed         matrix generator seed
     * @param ojAlgoMaxDim largest min(m, n) timed with ojAlgo (larger sizes get a skipped record)
     * @param tolerance    tolerance for the engine's automatic choice and the raw Gram estimate
     */
    public record Parameters(List<Shape> sizes, int repeats, long seed, int ojAlgoMaxDim, SvdBackend.Tolerance tolerance) {
        /**
         * ojAlgo cap by default: 1024 (measured 7.3 s at 1024², 45 s at 1024×2816 on the shared
         * 2-core machine; it grows like mn², so 4096×11008 would take tens of minutes).
         */
        public static final int DEFAULT_OJALGO_MAX_DIM = 1024;

        public Parameters {
            sizes = List.copyOf(sizes);
            if (sizes.isEmpty()) {
                throw new IllegalArgumentException("at least one size");
            }
            if (repeats < 1) {
                throw new IllegalArgumentException("repeats must be ≥ 1, got " + repeats);
            }
            if (ojAlgoMaxDim < 0) {
                throw new IllegalArgumentException("ojAlgoMaxDim must be ≥ 0");
            }
            Objects.requireNonNull(tolerance, "tolerance");
        }

        public static Parameters of(List<Shape> sizes, int repeats) {
            return new Parameters(sizes, repeats, 42L, DEFAULT_OJALGO_MAX_DIM, SvdBackend.Tolerance.DEFAULT);
        }
    }

    /**
     * One timed path on one size.
     *
     * @param shape               matrix shape
     * @param path                what was timed
     * @param method              SvdMethod id actually used (for the automatic path: gram-syevd or gesdd)
     * @param repeats             timed runs (0 when skipped)
     * @param medianSeconds       median wall time, NaN when skipped
     * @param gflops              model flops / median seconds / 1e9, NaN when skipped
     * @param flopModel           the formula used
     * @param maxRelativeDeviation max |Δσ_i|/σ_i vs dgesdd f64 over σ_i ≥ smallCut·σ₁ (0 for the reference itself)
     * @param maxAbsoluteDeviation max |Δσ_i|/σ₁ vs dgesdd f64
     * @param blasThreads         BLAS threads during the run (0 for ojAlgo)
     * @param note                e.g. why a path was skipped, or the Gram estimate's verdict; empty otherwise
     */
    public record Result(Shape shape, Path path, String method, int repeats, double medianSeconds, double gflops,
                         String flopModel, double maxRelativeDeviation, double maxAbsoluteDeviation,
                         int blasThreads, String note) {
    }

    private final Parameters parameters;
    private final NativeBackend nativeBackend;
    private final OjAlgoBackend ojAlgo;

    /** @param nativeBackend may be null when the native library is unavailable (native paths then skipped) */
    public SvdBenchmark(Parameters parameters, NativeBackend nativeBackend, OjAlgoBackend ojAlgo) {
        this.parameters = Objects.requireNonNull(parameters, "parameters");
        this.nativeBackend = nativeBackend;
        this.ojAlgo = Objects.requireNonNull(ojAlgo, "ojAlgo");
    }

    /** Runs everything; returns the records in order. */
    public List<Result> run() {
        return run(r -> { }, () -> false);
    }

    /**
     * Runs every size and path, handing each record to {@code onResult} as it completes.
     * {@code cancelled} is polled between runs (never during one).
     */
    public List<Result> run(Consumer<Result> onResult, BooleanSupplier cancelled) {
        List<Result> out = new ArrayList<>();
        Consumer<Result> emit = r -> {
            out.add(r);
            onResult.accept(r);
        };
        SvdBackend.Tolerance tol = parameters.tolerance();
        for (Shape shape : parameters.sizes()) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            int p = shape.minDim();
            Matrix a = SyntheticMatrices.withSpectrum(shape.rows(), shape.cols(),
                    SyntheticMatrices.powerLawSpectrum(p, 0.6), parameters.seed() + shape.rows() * 31L + shape.cols());
            double svdFlops = svdValuesFlops(shape);
            double gramFlops = gramFlops(shape);
            double[] reference;
            if (nativeBackend != null) {
                int threads = NativeLibrary.threads();
                nativeBackend.gesddValues(Matrix.zeros(8, 8));   // warm the native path
                Timed ref = time(() -> nativeBackend.gesddValues(a), cancelled);
                reference = ref.result.sigma();
                emit.accept(result(shape, Path.NATIVE_GESDD_F64, ref, svdFlops, SVD_MODEL, reference, threads, ""));
                Timed[] rawHolder = new Timed[1];
                NativeBackend.GramOutcome[] outcome = new NativeBackend.GramOutcome[1];
                rawHolder[0] = time(() -> {
                    outcome[0] = nativeBackend.gramValues(a, tol);
                    return new SvdResult(outcome[0].sigma(), null, null, dev.rankscope.engine.linalg.SvdMethod.GRAM);
                }, cancelled);
                String verdict = "error estimate " + (outcome[0].bound().accepted() ? "accepts" : "rejects")
                        + String.format(Locale.ROOT, " (worst ratio %.3g)", outcome[0].bound().worstRatio());
                emit.accept(result(shape, Path.NATIVE_GRAM_RAW_F64, rawHolder[0], gramFlops, GRAM_MODEL, reference, threads, verdict));
                Timed auto = time(() -> nativeBackend.singularValues(a, tol), cancelled);
                boolean gram = auto.result.method().gramBased();
                emit.accept(result(shape, Path.NATIVE_AUTO_F64, auto, gram ? gramFlops : svdFlops,
                        gram ? GRAM_MODEL : SVD_MODEL, reference, threads, ""));
                Timed f32 = time(() -> nativeBackend.singularValues(a, tol, Precision.F32), cancelled);
                emit.accept(result(shape, Path.NATIVE_SGESDD_F32, f32, svdFlops, SVD_MODEL, reference, threads, ""));
            } else {
                reference = null;
            }
            if (p > parameters.ojAlgoMaxDim()) {
                emit.accept(new Result(shape, Path.OJALGO_F64, "ojalgo-svd", 0, Double.NaN, Double.NaN, SVD_MODEL,
                        Double.NaN, Double.NaN, 0, "skipped: min(m,n) = " + p + " > ojAlgo cap " + parameters.ojAlgoMaxDim()));
            } else if (!cancelled.getAsBoolean()) {
                Timed oj = time(() -> ojAlgo.singularValues(a, tol), cancelled);
                double[] ref = reference != null ? reference : oj.result.sigma();
                emit.accept(result(shape, Path.OJALGO_F64, oj, svdFlops, SVD_MODEL, ref, 0,
                        reference == null ? "native unavailable: deviation against ojAlgo itself" : ""));
            }
        }
        return List.copyOf(out);
    }

    /**
     * Wall time of one scheduling configuration ({@link #compareScheduling}).
     *
     * @param shape       matrix shape
     * @param matrices    how many matrices were decomposed
     * @param workers     concurrent Java workers, each taking whole matrices
     * @param blasThreads BLAS threads per call (process-global)
     * @param seconds     wall time for all matrices
     * @param method      method id the engine used (the last matrix's)
     */
    public record SchedulingResult(Shape shape, int matrices, int workers, int blasThreads, double seconds, String method) {
    }

    /**
     * Times {@code matrices} seeded matrices of one shape through {@code backend.singularValues}
     * under each configuration {workers, blasThreads}: the measurement behind
     * {@code SpectrumTask.defaultParallelism()}. Restores the BLAS thread count afterwards.
     */
    public static List<SchedulingResult> compareScheduling(NativeBackend backend, Shape shape, int matrices,
                                                           List<int[]> configurations, long seed) {
        Matrix[] ms = new Matrix[matrices];
        for (int i = 0; i < matrices; i++) {
            ms[i] = SyntheticMatrices.withSpectrum(shape.rows(), shape.cols(),
                    SyntheticMatrices.powerLawSpectrum(shape.minDim(), 0.6), seed + i);
        }
        int before = NativeLibrary.threads();
        List<SchedulingResult> out = new ArrayList<>();
        try {
            for (int[] c : configurations) {
                int workers = c[0];
                NativeLibrary.setThreads(c[1]);
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(workers);
                try {
                    long t0 = System.nanoTime();
                    List<java.util.concurrent.Future<SvdResult>> fs = new ArrayList<>();
                    for (Matrix m : ms) {
                        fs.add(pool.submit(() -> backend.singularValues(m, SvdBackend.Tolerance.DEFAULT)));
                    }
                    String method = "";
                    for (java.util.concurrent.Future<SvdResult> f : fs) {
                        method = f.get().method().id();
                    }
                    out.add(new SchedulingResult(shape, matrices, workers, c[1], (System.nanoTime() - t0) / 1e9, method));
                } catch (java.util.concurrent.ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } finally {
                    pool.shutdownNow();
                }
            }
        } finally {
            NativeLibrary.setThreads(before);
        }
        return List.copyOf(out);
    }

    static final String SVD_MODEL = "4mn^2 - 4n^3/3";
    static final String GRAM_MODEL = "mn^2 + 4n^3/3";

    /** Values-only SVD flops, {@code 4mn² − 4n³/3} with m ≥ n. */
    public static double svdValuesFlops(Shape s) {
        double m = Math.max(s.rows(), s.cols());
        double n = s.minDim();
        return 4 * m * n * n - 4 * n * n * n / 3;
    }

    /** Gram path flops, {@code mn² + 4n³/3} with m ≥ n. */
    public static double gramFlops(Shape s) {
        double m = Math.max(s.rows(), s.cols());
        double n = s.minDim();
        return m * n * n + 4 * n * n * n / 3;
    }

    private record Timed(SvdResult result, double medianSeconds, int runs) {
    }

    private Timed time(java.util.function.Supplier<SvdResult> run, BooleanSupplier cancelled) {
        double[] seconds = new double[parameters.repeats()];
        SvdResult last = null;
        int runs = 0;
        for (int i = 0; i < seconds.length; i++) {
            if (i > 0 && cancelled.getAsBoolean()) {
                break;
            }
            long t0 = System.nanoTime();
            last = run.get();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
            runs++;
        }
        double[] done = Arrays.copyOf(seconds, runs);
        Arrays.sort(done);
        double median = runs % 2 == 1 ? done[runs / 2] : (done[runs / 2 - 1] + done[runs / 2]) / 2;
        return new Timed(last, median, runs);
    }

    private Result result(Shape shape, Path path, Timed t, double flops, String model, double[] reference,
                          int threads, String note) {
        double[] s = t.result.sigma();
        double rel = 0;
        double abs = 0;
        double s1 = reference.length == 0 ? 0 : reference[0];
        for (int i = 0; i < reference.length; i++) {
            double d = Math.abs(s[i] - reference[i]);
            if (s1 > 0) {
                abs = Math.max(abs, d / s1);
            }
            if (reference[i] >= parameters.tolerance().smallCut() * s1 && reference[i] > 0) {
                rel = Math.max(rel, d / reference[i]);
            }
        }
        return new Result(shape, path, t.result.method().id(), t.runs, t.medianSeconds, flops / t.medianSeconds / 1e9,
                model, rel, abs, threads, note);
    }
}
