package dev.rankscope.engine.linalg;

import dev.rankscope.engine.bench.SyntheticMatrices;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native-specific behaviour: engine info, threads, memory release, LAPACK errors, fallback. */
class NativeBackendTest {

    @Test
    void engineInfoReportsRuntimeCoreAndThreads() {
        NativeLibrary.Status s = NativeLibrary.status();
        assertTrue(s.available(), s.failure());
        assertEquals(openblas.OPENBLAS_CHAR_CORENAME, s.buildCore());
        assertFalse(s.runtimeCore().isBlank());
        // openblas_get_config names the runtime core of a DYNAMIC_ARCH build.
        assertTrue(s.config().contains(s.runtimeCore()), s.config());
        assertTrue(s.version().startsWith("OpenBLAS 0.3.31"), s.version());
        EngineInfo info = new NativeBackend().info();
        assertEquals("native", info.backend());
        assertEquals(s.runtimeCore(), info.coreType());
        assertTrue(info.threads() >= 1);
        assertTrue(info.describe().contains(s.runtimeCore()));
    }

    @Test
    void threadCountIsSettable() {
        int before = NativeLibrary.threads();
        try {
            NativeLibrary.setThreads(1);
            assertEquals(1, NativeLibrary.threads());
            new NativeBackend().setThreadsPerCall(2);
            assertEquals(2, NativeLibrary.threads());
            assertThrows(IllegalArgumentException.class, () -> NativeLibrary.setThreads(0));
        } finally {
            NativeLibrary.setThreads(before);
        }
    }

    @Test
    void offHeapBuffersAreFreed() {
        NativeBackend b = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
        Matrix a = SyntheticMatrices.gaussian(120, 90, 3);
        b.singularValues(a, SvdBackend.Tolerance.DEFAULT);   // warm-up
        long before = Pointer.totalBytes();
        b.singularValues(a, SvdBackend.Tolerance.DEFAULT);
        b.singularValues(a, SvdBackend.Tolerance.DEFAULT, dev.rankscope.engine.spectrum.Precision.F32);
        b.gesddValues(a);
        b.gramValues(a, SvdBackend.Tolerance.DEFAULT);
        b.svd(a);
        assertEquals(before, Pointer.totalBytes(), "off-heap bytes still allocated after the calls returned");
    }

    @Test
    void lapackErrorsBecomeTypedExceptions() {
        LinalgException e = NativeBackend.lapackError("dgesdd", 3, "4x4 matrix");
        assertTrue(e.getMessage().contains("dgesdd") && e.getMessage().contains("info=3"), e.getMessage());
        assertTrue(e.userMessage().contains("did not converge"));
        assertTrue(NativeBackend.lapackError("dsyevd", -1010, "x").userMessage().contains("memory"));
    }

    @Test
    void selectFallsBackToJavaWithAReason() {
        NativeLibrary.Status failed = new NativeLibrary.Status(false, "", "", "n/a", "",
                "UnsatisfiedLinkError: no jniopenblas in java.library.path");
        SvdBackend b = Backends.select(Backends.Preference.AUTO, () -> failed);
        assertInstanceOf(OjAlgoBackend.class, b);
        assertEquals("java", b.info().backend());
        assertTrue(b.info().note().contains("UnsatisfiedLinkError"), b.info().note());
        assertTrue(b.info().describe().contains("UnsatisfiedLinkError"));
        assertInstanceOf(OjAlgoBackend.class, Backends.select(Backends.Preference.NATIVE, () -> failed));
        assertInstanceOf(NativeBackend.class, Backends.select(Backends.Preference.AUTO));
        assertInstanceOf(OjAlgoBackend.class, Backends.select(Backends.Preference.JAVA));
        assertEquals("", Backends.select(Backends.Preference.JAVA).info().note());
    }
}
