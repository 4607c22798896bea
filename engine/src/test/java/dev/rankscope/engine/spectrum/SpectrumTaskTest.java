package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.NativeLibrary;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.task.AbstractTask;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectrumTaskTest {

    /** Collects results; records whether σ came from the float32 path. */
    static final class Collector implements SpectrumListener {
        final Map<String, Spectrum> spectra = new ConcurrentHashMap<>();
        final Map<String, RankscopeException> failures = new ConcurrentHashMap<>();

        @Override
        public void onSpectrum(Spectrum s) {
            spectra.put(s.ref().id(), s);
        }

        @Override
        public void onFailure(MatrixRef ref, RankscopeException e) {
            failures.put(ref.id(), e);
        }
    }

    /** {@code count} 40×30 float64 matrices w0, w1, … with a known log spectrum. */
    static CountingTensorSource source(int count) {
        CountingTensorSource src = new CountingTensorSource();
        for (int i = 0; i < count; i++) {
            Matrix a = SyntheticMatrices.withSpectrum(40, 30, SyntheticMatrices.logSpectrum(30, 2, 0.1), i);
            src.add("w" + i, a.data(), 40, 30);
        }
        return src;
    }

    @Test
    void computesEveryMatrixWithDefaultParallelismAndSetsBlasThreads() {
        CountingTensorSource src = source(5);
        Collector c = new Collector();
        List<Double> progress = Collections.synchronizedList(new ArrayList<>());
        int before = NativeLibrary.threads();
        try {
            List<Integer> threadsDuringRun = Collections.synchronizedList(new ArrayList<>());
            SpectrumTask t = new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), new NativeBackend(),
                    Precision.F64, c);
            t.addListener(p -> threadsDuringRun.add(NativeLibrary.threads()));
            t.addListener(p -> progress.add(p.fraction()));
            t.run();
            assertEquals(AbstractTask.Status.FINISHED, t.status());
            assertEquals(SpectrumTask.defaultParallelism(), t.parallelism());
            assertTrue(threadsDuringRun.contains(SpectrumTask.blasThreadsFor(t.parallelism())), threadsDuringRun.toString());
            assertEquals(before, NativeLibrary.threads(), "previous BLAS thread count restored");
            assertEquals(5, c.spectra.size());
            assertTrue(progress.contains(1.0));
            double[] s = c.spectra.get("w3").sigma();
            double[] expected = SyntheticMatrices.logSpectrum(30, 2, 0.1);
            for (int i = 0; i < s.length; i++) {
                assertEquals(expected[i], s[i], 1e-12 * expected[0]);
            }
        } finally {
            NativeLibrary.setThreads(before);
        }
    }

    @Test
    void float32UsesTheBackendsSinglePrecisionPath() {
        CountingTensorSource src = source(1);
        List<dev.rankscope.engine.spectrum.Precision> seen = Collections.synchronizedList(new ArrayList<>());
        SvdBackend spy = new NativeBackend();
        SvdBackend recording = new SvdBackend() {
            @Override
            public dev.rankscope.engine.linalg.EngineInfo info() {
                return spy.info();
            }

            @Override
            public SvdResult singularValues(Matrix a, Tolerance tolerance) {
                throw new AssertionError("float32 must not go through the float64 entry point");
            }

            @Override
            public SvdResult singularValues(Matrix a, Tolerance tolerance, Precision precision) {
                seen.add(precision);
                return spy.singularValues(a, tolerance, precision);
            }

            @Override
            public SvdResult svd(Matrix a) {
                return spy.svd(a);
            }
        };
        Collector c = new Collector();
        new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), recording, Precision.F32, 1, c).run();
        assertEquals(List.of(Precision.F32), seen);
        Spectrum s = c.spectra.get("w0");
        assertEquals(Precision.F32, s.precision());
        assertEquals(SvdMethod.GESDD, s.method());
        assertEquals(2.0, s.sigma()[0], 1e-5);
    }

    @Test
    void failureOfOneMatrixDoesNotStopTheOthers() {
        CountingTensorSource src = source(2);
        double[] bad = new double[12];
        bad[5] = Double.NaN;
        src.add("nan", bad, 3, 4);
        Collector c = new Collector();
        new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), new NativeBackend(), Precision.F64, 2, c).run();
        assertEquals(2, c.spectra.size());
        assertTrue(c.failures.containsKey("nan"));
    }

    @Test
    void cancellationStopsBetweenMatrices() {
        CountingTensorSource src = source(6);
        Collector c = new Collector();
        SpectrumTask[] holder = new SpectrumTask[1];
        SpectrumListener cancelAfterFirst = new SpectrumListener() {
            @Override
            public void onSpectrum(Spectrum s) {
                c.onSpectrum(s);
                holder[0].cancel();
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException e) {
                c.onFailure(ref, e);
            }
        };
        holder[0] = new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), new NativeBackend(),
                Precision.F64, 1, cancelAfterFirst);
        holder[0].run();
        assertEquals(AbstractTask.Status.CANCELLED, holder[0].status());
        assertEquals(1, c.spectra.size());
    }
}
