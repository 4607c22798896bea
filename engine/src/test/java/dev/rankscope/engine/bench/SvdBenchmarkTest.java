package dev.rankscope.engine.bench;

import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SvdBenchmarkTest {

    @Test
    void timesEveryPathOnASmallMatrix() {
        var params = new SvdBenchmark.Parameters(List.of(SvdBenchmark.Shape.parse("64x96")), 3, 7L, 1024,
                SvdBackend.Tolerance.DEFAULT);
        List<SvdBenchmark.Result> streamed = new ArrayList<>();
        List<SvdBenchmark.Result> results = new SvdBenchmark(params, new NativeBackend(), new OjAlgoBackend())
                .run(streamed::add, () -> false);
        assertEquals(results, streamed);
        assertEquals(List.of(SvdBenchmark.Path.values()), results.stream().map(SvdBenchmark.Result::path).toList());
        for (SvdBenchmark.Result r : results) {
            assertEquals(3, r.repeats(), r.path().label());
            assertTrue(r.medianSeconds() > 0 && r.gflops() > 0, r.toString());
            double limit = r.path() == SvdBenchmark.Path.NATIVE_SGESDD_F32 ? 1e-4 : 1e-6;
            assertTrue(r.maxRelativeDeviation() <= limit, r.toString());
        }
        SvdBenchmark.Result ref = results.get(0);
        assertEquals(0.0, ref.maxRelativeDeviation());
        assertEquals("gesdd", ref.method());
        // p = 64 < default Gram minDim: the automatic path must say gesdd
        assertEquals("gesdd", results.get(2).method());
        assertEquals("gram-syevd", results.get(1).method());
        assertTrue(results.get(1).note().contains("accepts"), results.get(1).note());
    }

    @Test
    void ojAlgoIsSkippedAboveItsCapWithANote() {
        var params = new SvdBenchmark.Parameters(List.of(new SvdBenchmark.Shape(40, 30)), 1, 1L, 16,
                SvdBackend.Tolerance.DEFAULT);
        List<SvdBenchmark.Result> results = new SvdBenchmark(params, new NativeBackend(), new OjAlgoBackend()).run();
        SvdBenchmark.Result oj = results.get(results.size() - 1);
        assertEquals(SvdBenchmark.Path.OJALGO_F64, oj.path());
        assertTrue(Double.isNaN(oj.medianSeconds()));
        assertTrue(oj.note().contains("cap"), oj.note());
    }

    @Test
    void flopModelsAndParsing() {
        var s = SvdBenchmark.Shape.parse("4096x11008");
        assertEquals(new SvdBenchmark.Shape(4096, 11008), s);
        double m = 11008, n = 4096;
        assertEquals(4 * m * n * n - 4 * n * n * n / 3, SvdBenchmark.svdValuesFlops(s), 1);
        assertEquals(m * n * n + 4 * n * n * n / 3, SvdBenchmark.gramFlops(s), 1);
        assertEquals(SvdBenchmark.svdValuesFlops(s), SvdBenchmark.svdValuesFlops(new SvdBenchmark.Shape(11008, 4096)));
        assertThrows(IllegalArgumentException.class, () -> SvdBenchmark.Shape.parse("4096"));
        assertThrows(IllegalArgumentException.class, () -> SvdBenchmark.Parameters.of(List.of(), 1));
    }

    @Test
    void syntheticSpectrumIsExact() {
        double[] sigma = SyntheticMatrices.powerLawSpectrum(50, 0.6);
        var a = SyntheticMatrices.withSpectrum(70, 50, sigma, 3);
        double[] got = new NativeBackend(NativeBackend.GramPolicy.NEVER).gesddValues(a).sigma();
        for (int i = 0; i < sigma.length; i++) {
            assertEquals(sigma[i], got[i], 1e-13);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.data(), SyntheticMatrices.withSpectrum(70, 50, sigma, 3).data(),
                "same seed, same matrix");
    }
}
