package dev.rankscope.application.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The workbench's quick pass over the real engine (native library): on a low-rank-plus-noise
 * matrix its top-64 agree with the exact spectrum, its Frobenius-based metrics are exact, the
 * cache never stores an approximate spectrum, and a cached exact spectrum skips the preview.
 * (RandomizedSvdTest covers the algorithm on decaying and power-law spectra; this covers the
 * workbench wiring on the spectrum shape a fine-tuned weight has.)
 */
class QuickPassTaskTest {
    /** Relative tolerance on the 8 signal singular values (expected error ≈ (0.6/3)^(2q+1) ≈ 3e-4 at q = 2). */
    static final double SIGNAL_TOLERANCE = 2e-3;
    /** Relative tolerance on the noise bulk σ₉..σ₆₄, where a flat spectrum makes the estimate loose. */
    static final double BULK_TOLERANCE = 0.25;
    static final int M = 300;
    static final int N = 200;
    static final int RANK = 8;

    /** L (rank 8, σ = 10, 9, …, 3) + 0.02·G with G standard Gaussian, as float32 in one safetensors file. */
    static Path lowRankPlusNoise(Path dir) {
        double[] sigma = new double[Math.min(M, N)];
        for (int i = 0; i < RANK; i++) {
            sigma[i] = 10 - i;
        }
        Matrix low = SyntheticMatrices.withSpectrum(M, N, sigma, 3);
        Matrix noise = SyntheticMatrices.gaussian(M, N, 4);
        double[] a = low.data();
        double[] g = noise.data();
        for (int i = 0; i < a.length; i++) {
            a[i] += 0.02 * g[i];
        }
        Path file = dir.resolve("lowrank.safetensors");
        new SafetensorsWriter()
                .add("model.layers.0.self_attn.q_proj.weight", DType.F32, new long[]{M, N}, s -> s.put(a))
                .add("model.layers.0.self_attn.k_proj.weight", DType.F32, new long[]{48, N}, s -> s.put(new double[48 * N]))
                .write(file, AtomicFileWriter.unprotected());
        return file;
    }

    /** Collects results per matrix id. */
    static final class Collect implements AnalysisSink {
        final Map<String, MatrixAnalysis> results = new ConcurrentHashMap<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onMatrix(MatrixAnalysis analysis) {
            results.put(analysis.spectrum().ref().id(), analysis);
        }

        @Override
        public void onFailure(MatrixRef ref, RankscopeException error) {
            failures.add(ref.id());
        }
    }

    @Test
    void topValuesAgreeWithExactAndTheCacheNeverStoresThem(@TempDir Path dir) {
        Path file = lowRankPlusNoise(dir);
        Path cacheDir = dir.resolve("cache");
        EngineWorkbenchServices services = new EngineWorkbenchServices(() -> Backends.select(Backends.Preference.NATIVE), 1, cacheDir);
        assertTrue(services.engineInfo().backend().equals("native"), "this test needs the native library: " + services.engineInfo().describe());
        OpenedCheckpoint cp = services.open(file);
        try {
            Collect quick = new Collect();
            Optional<AbstractTask> q = services.quickAnalyze(cp, cp.matrices(), quick);
            assertTrue(q.isPresent());
            q.get().run();
            assertEquals(AbstractTask.Status.FINISHED, q.get().status());
            assertEquals(0, services.cache().orElseThrow().sizeBytes(), "approximate spectra are never cached");
            assertEquals(1, quick.results.size(), "k_proj has p = 48 ≤ 64: exact pass only");
            String id = "model.layers.0.self_attn.q_proj.weight";
            MatrixAnalysis approx = quick.results.get(id);
            assertTrue(approx.spectrum().approximate());
            assertEquals(QuickPassTask.TOP_K, approx.spectrum().sigma().length);
            assertNull(approx.powerLaw(), "no α from 64 values");
            assertNull(approx.mp(), "no MP fit from 64 values");
            assertTrue(dev.rankscope.analysis.TopKPreview.hasExactFrobenius(approx));

            Collect exact = new Collect();
            AbstractTask e = services.analyze(cp, cp.matrices(), exact);
            e.run();
            assertEquals(AbstractTask.Status.FINISHED, e.status());
            assertEquals(2, exact.results.size());
            assertTrue(services.cache().orElseThrow().sizeBytes() > 0, "exact spectra are cached");
            MatrixAnalysis full = exact.results.get(id);
            assertFalse(full.spectrum().approximate());

            double[] s = full.spectrum().sigma();
            double[] sHat = approx.spectrum().sigma();
            double worstSignal = 0;
            double worstBulk = 0;
            for (int i = 0; i < sHat.length; i++) {
                // a lower bound up to the float32 rounding of the preview (RandomizedSvd.topValuesSingle)
                assertTrue(sHat[i] <= s[i] + 1e-6 * s[0], "σ̂[" + i + "] is a lower bound");
                double rel = (s[i] - sHat[i]) / s[i];
                if (i < RANK) {
                    worstSignal = Math.max(worstSignal, rel);
                } else {
                    worstBulk = Math.max(worstBulk, rel);
                }
            }
            assertTrue(worstSignal < SIGNAL_TOLERANCE, "signal σ relative error " + worstSignal);
            assertTrue(worstBulk < BULK_TOLERANCE, "bulk σ relative error " + worstBulk);
            // Frobenius from the data: exact; stable rank then only carries σ̂₁'s (tiny) error
            assertEquals(full.ranks().frobeniusNorm(), approx.ranks().frobeniusNorm(), 1e-9 * full.ranks().frobeniusNorm());
            assertEquals(full.ranks().logNorm(), approx.ranks().logNorm(), 1e-9);
            assertEquals(full.ranks().stableRank(), approx.ranks().stableRank(), SIGNAL_TOLERANCE * 3 * full.ranks().stableRank());

            // with the exact spectrum cached, the quick pass skips the matrix
            Collect again = new Collect();
            AbstractTask q2 = services.quickAnalyze(cp, cp.matrices(), again).orElseThrow();
            q2.run();
            assertEquals(AbstractTask.Status.FINISHED, q2.status());
            assertTrue(again.results.isEmpty(), "cached matrices are not previewed");
            // and the exact pass replays them from the cache
            Collect replay = new Collect();
            services.analyze(cp, cp.matrices(), replay).run();
            assertEquals(2, replay.results.size());
            assertEquals(full.spectrum().sigma()[0], replay.results.get(id).spectrum().sigma()[0]);
        } finally {
            cp.close();
        }
    }

    @Test
    void twoWorkersGiveTheSameValuesAsOneAndRestoreTheBlasThreads(@TempDir Path dir) {
        Path file = lowRankPlusNoise(dir);
        int before = dev.rankscope.engine.linalg.NativeLibrary.threads();
        Map<String, MatrixAnalysis> byWorkers = new java.util.HashMap<>();
        for (int workers : new int[] {1, 2}) {
            EngineWorkbenchServices services = new EngineWorkbenchServices(() -> new NativeBackend(), workers);
            OpenedCheckpoint cp = services.open(file);
            try {
                // the matrix listed twice stands for a checkpoint with more matrices than workers
                List<MatrixEntry> twice = new ArrayList<>(cp.matrices());
                twice.addAll(cp.matrices());
                Collect quick = new Collect();
                dev.rankscope.engine.linalg.PhaseTimes times = new dev.rankscope.engine.linalg.PhaseTimes();
                AbstractTask q = services.quickAnalyze(cp, twice, quick, times).orElseThrow();
                q.run();
                assertEquals(AbstractTask.Status.FINISHED, q.status());
                assertEquals(1.0, q.fraction());
                assertTrue(quick.failures.isEmpty());
                assertTrue(times.cpuSeconds(dev.rankscope.engine.linalg.PhaseTimes.Phase.MULTIPLY) > 0);
                byWorkers.put(workers + "", quick.results.get("model.layers.0.self_attn.q_proj.weight"));
            } finally {
                cp.close();
            }
            assertEquals(before, dev.rankscope.engine.linalg.NativeLibrary.threads(), "BLAS threads restored");
        }
        // fixed seed: the schedule changes only the float32 rounding (one worker runs its sgemm on 2 BLAS threads, two on 1)
        double[] one = byWorkers.get("1").spectrum().sigma();
        double[] two = byWorkers.get("2").spectrum().sigma();
        assertEquals(one.length, two.length);
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i], two[i], 2e-6 * one[0], "σ̂" + (i + 1));
        }
    }

    @Test
    void cancelStopsTheQuickPassBetweenMatrices(@TempDir Path dir) {
        Path file = lowRankPlusNoise(dir);
        EngineWorkbenchServices services = new EngineWorkbenchServices(() -> new NativeBackend(NativeBackend.GramPolicy.NEVER), 1);
        OpenedCheckpoint cp = services.open(file);
        try {
            Collect quick = new Collect();
            AbstractTask q = services.quickAnalyze(cp, cp.matrices(), quick).orElseThrow();
            q.cancel();
            q.run();
            assertEquals(AbstractTask.Status.CANCELLED, q.status());
            assertTrue(quick.results.isEmpty());
            assertTrue(services.cache().isEmpty(), "no cache folder given");
        } finally {
            cp.close();
        }
    }

    @Test
    void thePureJavaEngineOffersNoQuickPass(@TempDir Path dir) {
        Path file = lowRankPlusNoise(dir);
        EngineWorkbenchServices services = new EngineWorkbenchServices(Backends.Preference.JAVA, 1);
        OpenedCheckpoint cp = services.open(file);
        try {
            assertTrue(services.quickAnalyze(cp, cp.matrices(), new Collect()).isEmpty());
        } finally {
            cp.close();
        }
    }
}
