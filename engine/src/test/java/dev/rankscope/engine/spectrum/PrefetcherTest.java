package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.linalg.NativeBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading ahead stays just beyond the matrices in flight and covers the whole schedule once. */
class PrefetcherTest {

    /** Waits until {@code list} holds {@code size} names; the 60 s deadline only guards against a hang. */
    private static void awaitSize(List<String> list, int size) throws InterruptedException {
        long until = System.nanoTime() + 60_000_000_000L;
        while (list.size() < size && System.nanoTime() < until) {
            Thread.sleep(5);
        }
    }

    @Test
    void readsMatrixJOnceMatrixJMinusAheadStarted() throws InterruptedException {
        CountingTensorSource src = SpectrumTaskTest.source(6);
        List<MatrixRef> order = MatrixExtractor.matrices(src.tensors());
        try (Prefetcher p = new Prefetcher(src, order, 2)) {
            Thread.sleep(100);
            assertEquals(List.of(), src.prefetched, "nothing is read ahead before a worker starts");
            p.started();
            p.started();
            awaitSize(src.prefetched, 2);
            Thread.sleep(100);
            // two in flight (w0, w1): the next two (w2, w3) are read, not w4
            assertEquals(List.of("w2", "w3"), List.copyOf(src.prefetched));
            p.started();
            p.started();
            awaitSize(src.prefetched, 4);
            assertEquals(List.of("w2", "w3", "w4", "w5"), List.copyOf(src.prefetched));
        }
    }

    @Test
    void closingStopsTheWalk() throws InterruptedException {
        CountingTensorSource src = SpectrumTaskTest.source(5);
        Prefetcher p = new Prefetcher(src, MatrixExtractor.matrices(src.tensors()), 1);
        p.close();
        p.started();
        p.started();
        Thread.sleep(100);
        assertEquals(List.of(), src.prefetched);
    }

    @Test
    void aWholeRunReadsEveryLaterMatrixAheadOnce() {
        CountingTensorSource src = SpectrumTaskTest.source(5);
        // reading is slow: each later matrix's read waits for the walk, which therefore keeps ahead of the
        // worker however late the walk's thread is scheduled (a fixed read delay raced it on a loaded machine)
        src.readsAwaitPrefetch = java.util.Set.of("w1", "w2", "w3", "w4");
        SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
        new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), new NativeBackend(), dev.rankscope.engine.spectrum.Precision.F64, 1, c).run();
        assertEquals(5, c.spectra.size());
        assertEquals(List.of("w1", "w2", "w3", "w4"), List.copyOf(src.prefetched));
        assertTrue(c.failures.isEmpty());
    }
}
