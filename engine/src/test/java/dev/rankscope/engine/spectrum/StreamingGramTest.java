package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Streamed Gram accumulation from a tensor source: accuracy, bounded reads, repair. */
class StreamingGramTest {
    private static final SvdBackend.Tolerance TOL = SvdBackend.Tolerance.DEFAULT;
    private final NativeBackend reference = new NativeBackend(NativeBackend.GramPolicy.NEVER);

    private void assertMatchesGesdd(Matrix a, double[] got) {
        double[] ref = reference.gesddValues(a).sigma();
        assertEquals(ref.length, got.length);
        for (int i = 0; i < ref.length; i++) {
            double d = Math.abs(ref[i] - got[i]);
            double limit = ref[i] >= TOL.smallCut() * ref[0] ? TOL.relative() * ref[i] : TOL.absolute() * ref[0];
            assertTrue(d <= limit, "σ[" + i + "] " + got[i] + " vs " + ref[i]);
        }
    }

    @Test
    void tallByRowBlocksReadsOnlyBlocks() {
        Matrix a = SyntheticMatrices.withSpectrum(300, 120, SyntheticMatrices.powerLawSpectrum(120, 0.6), 1);
        CountingTensorSource src = new CountingTensorSource().add("w", a.data(), 300, 120);
        int block = 120 * 32;  // 32 rows per block
        Optional<SvdResult> r = StreamingGram.tryValues(src, MatrixRef.whole("w", 300, 120), TOL, block);
        assertTrue(r.isPresent());
        assertEquals(SvdMethod.GRAM, r.get().method());
        assertMatchesGesdd(a, r.get().sigma());
        assertEquals(300L * 120, src.elementsRead.get(), "every element read exactly once");
        assertTrue(src.largestRead.get() <= block, "never more than one block at a time");
    }

    @Test
    void wideByColumnPanels() {
        Matrix a = SyntheticMatrices.withSpectrum(90, 250, SyntheticMatrices.powerLawSpectrum(90, 0.6), 2);
        CountingTensorSource src = new CountingTensorSource().add("w", a.data(), 90, 250);
        Optional<SvdResult> r = StreamingGram.tryValues(src, MatrixRef.whole("w", 90, 250), TOL, 90 * 40);
        assertTrue(r.isPresent());
        assertMatchesGesdd(a, r.get().sigma());
        assertEquals(90L * 250, src.elementsRead.get());
        assertTrue(src.largestRead.get() <= 40);
    }

    @Test
    void transposedRefAndExpertSlice() {
        Matrix e0 = SyntheticMatrices.withSpectrum(60, 80, SyntheticMatrices.logSpectrum(60, 3, 0.2), 3);
        Matrix e1 = SyntheticMatrices.withSpectrum(60, 80, SyntheticMatrices.logSpectrum(60, 5, 0.5), 4);
        double[] both = new double[2 * 60 * 80];
        System.arraycopy(e0.data(), 0, both, 0, 4800);
        System.arraycopy(e1.data(), 0, both, 4800, 4800);
        CountingTensorSource src = new CountingTensorSource().add("experts", both, 2, 60, 80);
        MatrixRef slice1 = new MatrixRef("experts[1]", "experts", 1, 60, 80, false);
        assertMatchesGesdd(e1, StreamingGram.tryValues(src, slice1, TOL, 1000).orElseThrow().sigma());
        // stored (in, out) = 60×80, analysed as 80×60
        CountingTensorSource t = new CountingTensorSource().add("c", e0.data(), 60, 80);
        MatrixRef transposed = new MatrixRef("c", "c", -1, 80, 60, true);
        assertMatchesGesdd(e0, StreamingGram.tryValues(t, transposed, TOL, 1000).orElseThrow().sigma());
    }

    @Test
    void rejectsWhenTheEstimateFailsAndTaskRepairs() {
        Matrix a = SyntheticMatrices.withSpectrum(300, 280, SyntheticMatrices.logSpectrum(280, 1, 1e-10), 5);
        CountingTensorSource src = new CountingTensorSource().add("w", a.data(), 300, 280);
        MatrixRef ref = MatrixRef.whole("w", 300, 280);
        assertTrue(StreamingGram.tryValues(src, ref, TOL, 10_000).isEmpty());
        SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
        new SpectrumTask(src, java.util.List.of(ref), new NativeBackend(NativeBackend.GramPolicy.ALWAYS),
                Precision.F64, 2, c).run();
        Spectrum s = c.spectra.get("w");
        assertEquals(SvdMethod.GESDD, s.method());
        assertMatchesGesdd(a, s.sigma());
    }

    @Test
    void taskUsesStreamingWhenTheEstimateHolds() {
        Matrix a = SyntheticMatrices.withSpectrum(400, 300, SyntheticMatrices.powerLawSpectrum(300, 0.6), 6);
        CountingTensorSource src = new CountingTensorSource().add("w", a.data(), 400, 300);
        SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
        new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), new NativeBackend(), Precision.F64, 2, c).run();
        Spectrum s = c.spectra.get("w");
        assertEquals(SvdMethod.GRAM, s.method());
        assertMatchesGesdd(a, s.sigma());
        assertEquals(400L * 300, src.elementsRead.get(), "read once, by the stream only");
    }

    /** σ₁ = 1, log-spaced to 1e-4, then 1e-7, 3e-8, 1e-9: the plain Gram rejects, the refinement resolves them. */
    private static double[] plantedTiny(int p) {
        double[] s = SyntheticMatrices.logSpectrum(p - 3, 1, 1e-4);
        double[] out = java.util.Arrays.copyOf(s, p);
        out[p - 3] = 1e-7;
        out[p - 2] = 3e-8;
        out[p - 1] = 1e-9;
        return out;
    }

    private void assertStreamedRefinementMatchesInMemory(int r, int c, int blockElements, long seed) {
        Matrix a = SyntheticMatrices.withSpectrum(r, c, plantedTiny(Math.min(r, c)), seed);
        NativeBackend inMemory = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
        assertTrue(!inMemory.gramValues(a, TOL).bound().accepted(), "plain Gram must reject");
        SvdResult mem = inMemory.singularValues(a, TOL);
        assertEquals(SvdMethod.GRAM_REFINED, mem.method());
        CountingTensorSource src = new CountingTensorSource().add("w", a.data(), r, c);
        Optional<SvdResult> streamed = StreamingGram.tryValues(src, MatrixRef.whole("w", r, c), TOL, blockElements);
        assertTrue(streamed.isPresent(), r + "x" + c + " streamed refinement rejected");
        assertEquals(SvdMethod.GRAM_REFINED, streamed.get().method());
        assertMatchesGesdd(a, streamed.get().sigma());
        double[] s = streamed.get().sigma();
        double[] m = mem.sigma();
        for (int i = 0; i < s.length; i++) {
            assertTrue(Math.abs(s[i] - m[i]) <= 1e-9 * m[0], "σ[" + i + "] streamed " + s[i] + " vs in-memory " + m[i]);
        }
        assertEquals(2L * r * c, src.elementsRead.get(), "two passes: Gram, then B = S·V");
        assertTrue(src.largestRead.get() <= blockElements, "never more than one block at a time");
    }

    @Test
    void streamedRefinementByRowBlocks() {
        assertStreamedRefinementMatchesInMemory(600, 300, 300 * 64, 21);
    }

    @Test
    void streamedRefinementByColumnPanels() {
        assertStreamedRefinementMatchesInMemory(300, 600, 300 * 70, 22);
    }

    @Test
    void streamedRefinementSquare() {
        assertStreamedRefinementMatchesInMemory(400, 400, 400 * 48, 23);
    }

    @Test
    void nonFiniteBlockRejected() {
        double[] d = SyntheticMatrices.gaussian(50, 20, 7).data();
        d[777] = Double.NaN;
        CountingTensorSource src = new CountingTensorSource().add("w", d, 50, 20);
        assertThrows(LinalgException.class, () -> StreamingGram.tryValues(src, MatrixRef.whole("w", 50, 20), TOL, 200));
    }
}
