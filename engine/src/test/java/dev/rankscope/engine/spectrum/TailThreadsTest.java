package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The end of a parallel run: once every matrix has started, a worker that finishes hands its core
 * to the matrix still computing (more BLAS threads per call), and not before.
 */
class TailThreadsTest {

    /** Delegates to ojAlgo; records every thread-count change and every finished matrix in order. */
    private static final class RecordingBackend implements SvdBackend {
        final SvdBackend inner = new OjAlgoBackend();
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch widened = new CountDownLatch(1);
        final int tailThreads;

        RecordingBackend(int tailThreads) {
            this.tailThreads = tailThreads;
        }

        @Override
        public EngineInfo info() {
            return inner.info();
        }

        @Override
        public SvdResult singularValues(Matrix a, Tolerance tolerance) {
            if (a.rows() == 60) {
                // the largest matrix, taken first: holds its worker until the tail widened (or 60 s, a hang guard)
                try {
                    widened.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            SvdResult r = inner.singularValues(a, tolerance);
            events.add("done:" + a.rows());
            return r;
        }

        @Override
        public SvdResult svd(Matrix a) {
            return inner.svd(a);
        }

        @Override
        public void setThreadsPerCall(int threads) {
            events.add("threads:" + threads);
            if (threads == tailThreads) {
                widened.countDown();
            }
        }
    }

    @Test
    void theLastMatrixGetsTheFreedCoreOnceNothingIsLeftToStart() {
        int cores = Runtime.getRuntime().availableProcessors();
        int perWorker = SpectrumTask.blasThreadsFor(2);
        RecordingBackend backend = new RecordingBackend(cores);
        CountingTensorSource src = new CountingTensorSource();
        for (int rows : new int[] {60, 40, 30}) {
            Matrix a = SyntheticMatrices.withSpectrum(rows, 20, SyntheticMatrices.logSpectrum(20, 2, 0.1), rows);
            src.add("w" + rows, a.data(), rows, 20);
        }
        SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
        new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), backend, Precision.F64, 2, c).run();

        assertEquals(3, c.spectra.size());
        List<String> ev = List.copyOf(backend.events);
        assertEquals("threads:" + perWorker, ev.get(0), ev.toString());
        if (cores / 1 > perWorker) {
            // 40 and 30 finish on the second worker while 60 waits; only after the last start (30) does the tail widen
            assertEquals(List.of("threads:" + perWorker, "done:40", "done:30", "threads:" + cores, "done:60"),
                    ev.subList(0, 5), ev.toString());
        } else {
            assertEquals(List.of("threads:" + perWorker, "done:40", "done:30", "done:60"), ev.subList(0, 4), ev.toString());
        }
    }
}
