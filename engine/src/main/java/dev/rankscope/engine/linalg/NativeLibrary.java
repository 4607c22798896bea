package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas;
import org.bytedeco.openblas.global.openblas_full;

import java.io.IOException;

/**
 * The bytedeco OpenBLAS/LAPACK native library: loaded once per process (lazy holder, on first
 * use), with what it reports about itself at run time.
 *
 * <p>Two JNI bindings are loaded; both link the same {@code libopenblas.so.0}:
 * {@code openblas} (LAPACKE and CBLAS, used for the computations) and {@code openblas_full}
 * (the only binding that maps {@code openblas_get_corename}, {@code openblas_get_config} and
 * {@code openblas_set_num_threads}). The compile-time constant
 * {@code OPENBLAS_CHAR_CORENAME} is the build target of the DYNAMIC_ARCH library (e.g.
 * {@code NEHALEM}), not the kernel that runs; the runtime core comes from
 * {@code openblas_get_corename()} (on an AMD EPYC: {@code Zen}, the same as
 * {@code OPENBLAS_VERBOSE=2} prints at load time).
 *
 * <p>The thread count is process-global state of the native library: {@link #setThreads} affects
 * every later BLAS/LAPACK call from any Java thread.
 */
public final class NativeLibrary {

    /**
     * Outcome of loading the library.
     *
     * @param available   true when the native code loaded and answered
     * @param version     e.g. {@code OpenBLAS 0.3.31 (bytedeco 1.5.13)}; empty when unavailable
     * @param buildCore   compile-time core ({@code OPENBLAS_CHAR_CORENAME}); empty when unavailable
     * @param runtimeCore core selected at run time ({@code openblas_get_corename()})
     * @param config      {@code openblas_get_config()}, e.g. {@code OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64}
     * @param failure     why loading failed (one line), empty when available
     */
    public record Status(boolean available, String version, String buildCore, String runtimeCore,
                         String config, String failure) {
    }

    private NativeLibrary() {
    }

    /** Loads on first call (thread-safe by class initialisation), never retries. */
    private static final class Holder {
        static final Status STATUS = load();
    }

    /** The load status; the first call loads the library (≈ 2 s cold). Never throws. */
    public static Status status() {
        return Holder.STATUS;
    }

    /** True when native computations can run. */
    public static boolean isAvailable() {
        return status().available();
    }

    /** Current BLAS thread count (process-global). Requires {@link #isAvailable()}. */
    public static int threads() {
        requireAvailable();
        return openblas_full.openblas_get_num_threads();
    }

    /**
     * Sets the process-global BLAS thread count ({@code openblas_set_num_threads}). Affects every
     * later native call, including ones already queued on other threads.
     */
    public static void setThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("BLAS threads must be ≥ 1, got " + threads);
        }
        requireAvailable();
        openblas_full.openblas_set_num_threads(threads);
    }

    static void requireAvailable() {
        Status s = status();
        if (!s.available()) {
            throw new LinalgException("The native linear-algebra library is not available.",
                    "OpenBLAS load failed: " + s.failure());
        }
    }

    private static Status load() {
        try {
            Loader.load(openblas.class);
            Loader.load(openblas_full.class);
            String runtimeCore = string(openblas_full.openblas_get_corename());
            String config = string(openblas_full.openblas_get_config());
            String bytedeco = bytedecoVersion();
            String version = openblas.OPENBLAS_VERSION.trim()
                    + (bytedeco.isEmpty() ? "" : " (bytedeco " + bytedeco + ")");
            return new Status(true, version, openblas.OPENBLAS_CHAR_CORENAME, runtimeCore, config, "");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            // The only place native loading can fail; callers fall back to the Java backend.
            return new Status(false, "", "", "n/a", "", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static String string(BytePointer p) {
        return p == null || p.isNull() ? "unknown" : p.getString().trim();
    }

    /** The JavaCPP presets version, e.g. {@code 1.5.13} from {@code 0.3.31-1.5.13}. */
    private static String bytedecoVersion() {
        try {
            String v = Loader.getVersion("org.bytedeco", "openblas", openblas.class);
            if (v == null) {
                return "";
            }
            int dash = v.lastIndexOf('-');
            return dash >= 0 ? v.substring(dash + 1) : v;
        } catch (IOException e) {
            return "";
        }
    }
}
