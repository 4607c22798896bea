import org.bytedeco.javacpp.*;
import dev.rankscope.engine.linalg.*;
import dev.rankscope.engine.spectrum.*;
import dev.rankscope.engine.tensor.*;
import static org.bytedeco.openblas.global.openblas.*;
import java.lang.management.*;
import java.nio.file.*;
import java.util.*;

/**
 * Experiment behind docs/PERFORMANCE.md (round 6, quick preview): approximate top-64 singular values of
 * the matrices of a checkpoint matching a regex, by variants of the randomised iteration, against the
 * exact σ from LAPACK dgesdd in float64 (cached in the temporary folder). Costs are CPU seconds of this thread
 * with one BLAS thread, so they do not grow with the machine's load. Variants: si:l:q = subspace
 * iteration as RandomizedSvd.topValuesSingle (l columns, q power iterations, 2q+2 passes over A);
 * bk:b:s = block Krylov on the right, V = orth[P, AᵀAP, …] (s blocks of b), σ(AV) from the stored
 * products, 2s-1 passes. Run: java -cp 'app/target/rankscope-app.jar:app/target/lib/*'
 *   tools/PreviewVariants.java ~/.cache/rankscope/bench/llama-7b 'layers\.31\.self_attn' si:74:2 bk:32:5
 */
public class PreviewVariants {
    static ThreadMXBean tmx = ManagementFactory.getThreadMXBean();
    static double cpu() { return tmx.getCurrentThreadCpuTime() / 1e9; }
    static double tGemm, tQr, tSmall;

    static void gemmA(FloatPointer at, int m, int n, FloatPointer x, long xoff, int cols, FloatPointer y, long yoff) {
        double c = cpu();
        cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, m, cols, n, 1f, at, n, x.position(xoff), n, 0f, y.position(yoff), m);
        x.position(0); y.position(0);
        tGemm += cpu() - c;
    }
    static void gemmAt(FloatPointer at, int m, int n, FloatPointer x, long xoff, int cols, FloatPointer z, long zoff) {
        double c = cpu();
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, cols, m, 1f, at, n, x.position(xoff), m, 0f, z.position(zoff), n);
        x.position(0); z.position(0);
        tGemm += cpu() - c;
    }
    static void orth(FloatPointer x, long off, int rows, int l, FloatPointer tau) {
        double c = cpu();
        x.position(off);
        LAPACKE_sgeqrf(LAPACK_COL_MAJOR, rows, l, x, rows, tau);
        LAPACKE_sorgqr(LAPACK_COL_MAJOR, rows, l, l, x, rows, tau);
        x.position(0);
        tQr += cpu() - c;
    }

    static double[] si(FloatPointer at, int m, int n, int k, int l, int q, long seed) {
        Random rnd = new Random(seed);
        float[] omega = new float[n * l];
        for (int i = 0; i < omega.length; i++) omega[i] = (float) rnd.nextGaussian();
        FloatPointer om = new FloatPointer(omega), y = new FloatPointer((long) m * l), z = new FloatPointer((long) n * l), tau = new FloatPointer(l);
        gemmA(at, m, n, om, 0, l, y, 0);
        for (int it = 0; it < q; it++) {
            orth(y, 0, m, l, tau);
            gemmAt(at, m, n, y, 0, l, z, 0);
            orth(z, 0, n, l, tau);
            gemmA(at, m, n, z, 0, l, y, 0);
        }
        orth(y, 0, m, l, tau);
        gemmAt(at, m, n, y, 0, l, z, 0);
        double c = cpu();
        FloatPointer s = new FloatPointer(l), u = new FloatPointer(1);
        LAPACKE_sgesdd(LAPACK_COL_MAJOR, (byte) 'N', n, l, z, n, s, u, 1, u, 1);
        double[] out = new double[k];
        for (int i = 0; i < k; i++) out[i] = s.get(i);
        tSmall += cpu() - c;
        return out;
    }

    /** Block Krylov on the right: V = orth[P, AᵀA P, ...] (s blocks of b), σ(AV) from the stored products; 2s-1 passes. */
    static double[] bk(FloatPointer at, int m, int n, int k, int b, int s, long seed, boolean reorth2) {
        Random rnd = new Random(seed);
        int r = s * b;
        FloatPointer v = new FloatPointer((long) n * r), y = new FloatPointer((long) m * r), z = new FloatPointer((long) n * b),
                tau = new FloatPointer(b), h = new FloatPointer((long) r * b);
        java.nio.FloatBuffer vb = v.asBuffer();
        for (int i = 0; i < n * b; i++) vb.put(i, (float) rnd.nextGaussian());
        orth(v, 0, n, b, tau);
        for (int j = 0; j < s; j++) {
            gemmA(at, m, n, v, (long) j * b * n, b, y, (long) j * b * m);
            if (j == s - 1) break;
            gemmAt(at, m, n, y, (long) j * b * m, b, z, 0);
            int prev = (j + 1) * b;
            for (int pass = 0; pass < (reorth2 ? 2 : 1); pass++) {
                double c = cpu();
                // H = Vᵀ Z (prev×b); Z -= V H
                cblas_sgemm(CblasColMajor, CblasTrans, CblasNoTrans, prev, b, n, 1f, v, n, z, n, 0f, h, prev);
                cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, n, b, prev, -1f, v, n, h, prev, 1f, z, n);
                tQr += cpu() - c;
                orth(z, 0, n, b, tau);
            }
            double c = cpu();
            v.position((long) prev * n); v.put(z.position(0).limit((long) n * b)); v.position(0); z.limit((long) n * b);
            // copy via buffers (simple)
            tQr += cpu() - c;
        }
        double c = cpu();
        // σ(Y) via float64 Gram: G = YᵀY (r×r)
        DoublePointer yd = new DoublePointer((long) m * r);
        java.nio.FloatBuffer yb = y.asBuffer(); java.nio.DoubleBuffer ydb = yd.asBuffer();
        for (long i = 0; i < (long) m * r; i++) ydb.put((int) i, yb.get((int) i));
        DoublePointer g = new DoublePointer((long) r * r), w = new DoublePointer(r);
        cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, r, m, 1.0, yd, m, 0.0, g, r);
        LAPACKE_dsyevd(LAPACK_COL_MAJOR, (byte) 'N', (byte) 'U', r, g, r, w);
        double[] out = new double[k];
        for (int i = 0; i < k; i++) out[i] = Math.sqrt(Math.max(0, w.get(r - 1 - i)));
        tSmall += cpu() - c;
        return out;
    }

    public static void main(String[] args) throws Exception {
        NativeLibrary.status();
        NativeLibrary.setThreads(1);
        Path dir = Path.of(args[0]);
        java.util.regex.Pattern filter = java.util.regex.Pattern.compile(args[1]);
        List<String> variants = Arrays.asList(args).subList(2, args.length);
        int k = 64;
        try (TensorSource src = Checkpoints.open(dir)) {
            for (MatrixRef ref : MatrixExtractor.matrices(src.tensors())) {
                if (!filter.matcher(ref.id()).find() || ref.minDim() <= k) continue;
                int m = ref.rows(), n = ref.cols();
                FloatPointer a = new FloatPointer((long) m * n);
                double c0 = cpu(); long w0 = System.nanoTime();
                MatrixReader.readFloat(src, ref, a);
                System.out.printf("%s %dx%d read %.2f CPU-s %.2f wall%n", ref.id(), m, n, cpu() - c0, (System.nanoTime() - w0) / 1e9);
                Path cache = Path.of(System.getProperty("java.io.tmpdir"), "rankscope-preview-exact", ref.id().replace('/', '_') + ".txt");
                double[] exact;
                if (Files.exists(cache)) {
                    exact = Files.readAllLines(cache).stream().mapToDouble(Double::parseDouble).toArray();
                } else {
                    Files.createDirectories(cache.getParent());
                    double[] d = new double[m * n];
                    java.nio.FloatBuffer fb = a.asBuffer();
                    for (int i = 0; i < d.length; i++) d[i] = fb.get(i);
                    double cc = cpu();
                    exact = new NativeBackend(NativeBackend.GramPolicy.NEVER).gesddValues(new Matrix(m, n, d)).sigma();
                    System.out.printf("  exact gesdd %.1f CPU-s%n", cpu() - cc);
                    StringBuilder sb = new StringBuilder();
                    for (double x : exact) sb.append(x).append('\n');
                    Files.writeString(cache, sb);
                }
                for (String v : variants) {
                    tGemm = tQr = tSmall = 0;
                    String[] p = v.split(":");
                    double[] est = p[0].equals("si") ? si(a, m, n, k, Integer.parseInt(p[1]), Integer.parseInt(p[2]), 20241107L)
                            : bk(a, m, n, k, Integer.parseInt(p[1]), Integer.parseInt(p[2]), 20241107L, p.length < 4);
                    double worst = 0, worst8 = 0, mean = 0, above = 0;
                    for (int i = 0; i < k; i++) {
                        double rel = (exact[i] - est[i]) / exact[i];
                        worst = Math.max(worst, Math.abs(rel)); mean += Math.abs(rel) / k;
                        if (i < 8) worst8 = Math.max(worst8, Math.abs(rel));
                        above = Math.max(above, (est[i] - exact[i]) / exact[0]);
                    }
                    System.out.printf("  %-10s gemm %.2f qr %.2f small %.2f = %.2f CPU-s | rel err σ1 %.1e top8 %.1e max64 %.1e mean64 %.1e above %.1e%n",
                            v, tGemm, tQr, tSmall, tGemm + tQr + tSmall, (exact[0] - est[0]) / exact[0], worst8, worst, mean, above);
                }
                a.close();
            }
        }
    }
}
