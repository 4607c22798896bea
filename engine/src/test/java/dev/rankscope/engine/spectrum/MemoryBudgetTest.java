package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.RankscopeException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBudgetTest {
    private static final MatrixRef BIG = MatrixRef.whole("model.layers.0.mlp.up_proj.weight", 11008, 4096);

    @Test
    void needsFollowTheArraysEachPathAllocates() {
        MemoryBudget.Need gram = MemoryBudget.Need.streamedGram(BIG, 1 << 22);
        assertEquals(8L * (1 << 22), gram.heap());
        assertEquals(8L * (4096L * 4096 + (1 << 22)), gram.offHeap());
        MemoryBudget.Need f64 = MemoryBudget.Need.inMemoryNative(BIG, Precision.F64, false);
        assertEquals(8L * 11008 * 4096, f64.heap());
        assertEquals(8L * 11008 * 4096, f64.offHeap());
        MemoryBudget.Need f32 = MemoryBudget.Need.inMemoryNative(BIG, Precision.F32, false);
        assertEquals(4L * 11008 * 4096, f32.offHeap());
        MemoryBudget.Need gramFirst = MemoryBudget.Need.inMemoryNative(BIG, Precision.F64, true);
        assertEquals(8L * 11008 * 4096 + 8L * 4096 * 4096, gramFirst.offHeap());
        assertEquals(3 * 8L * 11008 * 4096, MemoryBudget.Need.onHeap(BIG).heap());
    }

    @Test
    void aMatrixLargerThanTheWholeBudgetIsRefusedWithAMessageBeforeAnythingIsAllocated() {
        MemoryBudget budget = new MemoryBudget(100L << 20, 100L << 20);
        RankscopeException e = assertThrows(RankscopeException.class,
                () -> budget.acquire(BIG, MemoryBudget.Need.inMemoryNative(BIG, Precision.F64, false), () -> false));
        assertTrue(e.getMessage().startsWith("matrix model.layers.0.mlp.up_proj.weight (11008×4096) needs about 344.0 MB"
                + " of Java heap memory for an exact SVD, more than the 100.0 MB"), e.getMessage());
        assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
        assertArrayEquals(new long[] {0, 0}, budget.held());
    }

    @Test
    void aSecondClaimWaitsUntilTheFirstIsReleased() throws Exception {
        MemoryBudget budget = new MemoryBudget(100, 100);
        MatrixRef ref = MatrixRef.whole("w", 2, 2);
        MemoryBudget.Need sixty = new MemoryBudget.Need(60, 10, "test");
        budget.acquire(ref, sixty, () -> false);
        AtomicBoolean second = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            started.countDown();
            budget.acquire(ref, sixty, () -> false);
            second.set(true);
        });
        t.start();
        started.await();
        t.join(300);
        assertFalse(second.get(), "60 + 60 > 100 must wait");
        assertTrue(t.isAlive());
        budget.release(sixty);
        t.join(TimeUnit.SECONDS.toMillis(60)); // a hang guard: the claim is granted at once on release
        assertTrue(second.get());
        assertArrayEquals(new long[] {60, 10}, budget.held());
    }

    @Test
    void waitingEndsWhenTheTaskIsCancelled() {
        MemoryBudget budget = new MemoryBudget(100, 100);
        MatrixRef ref = MatrixRef.whole("w", 2, 2);
        budget.acquire(ref, new MemoryBudget.Need(90, 0, "test"), () -> false);
        assertThrows(CancellationException.class,
                () -> budget.acquire(ref, new MemoryBudget.Need(20, 0, "test"), () -> true));
        assertArrayEquals(new long[] {90, 0}, budget.held());
    }

    @Test
    void spectrumTaskReportsTheWatchdogMessageForTheMatrixThatCannotFitAndComputesTheOthers() {
        for (SvdBackend backend : List.of(new NativeBackend(), new OjAlgoBackend())) {
            CountingTensorSource src = new CountingTensorSource();
            Matrix small = SyntheticMatrices.withSpectrum(40, 30, SyntheticMatrices.logSpectrum(30, 2, 0.1), 1);
            Matrix large = SyntheticMatrices.withSpectrum(300, 300, SyntheticMatrices.logSpectrum(300, 2, 0.1), 2);
            src.add("small", small.data(), 40, 30);
            src.add("large", large.data(), 300, 300);
            // 300×300 needs ≥ 8·90000 = 720 KB in every path; 40×30 needs < 40 KB (Gram from 256 only).
            MemoryBudget budget = new MemoryBudget(400_000, 400_000);
            SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
            new SpectrumTask(src, MatrixExtractor.matrices(src.tensors()), backend, Precision.F64, 2,
                    SvdBackend.Tolerance.DEFAULT, budget, c).run();
            assertEquals(List.of("small"), List.copyOf(c.spectra.keySet()), backend.getClass().getSimpleName());
            assertTrue(c.failures.get("large").getMessage().startsWith("matrix large (300×300) needs about"),
                    c.failures.get("large").getMessage());
            assertArrayEquals(new long[] {0, 0}, budget.held(), "every claim released");
        }
    }

    @Test
    void sizesAreShownInBinaryUnits() {
        assertEquals("512 B", MemoryBudget.bytes(512));
        assertEquals("1.5 KB", MemoryBudget.bytes(1536));
        assertEquals("1.0 GB", MemoryBudget.bytes(1L << 30));
    }
}
