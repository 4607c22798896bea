package dev.rankscope.spark;

import dev.rankscope.application.sweep.SweepPairs;
import dev.rankscope.application.sweep.UpdateMetrics;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor side without Spark: a checkpoint whose files changed since the driver listed them
 * is never read as if they had not — its spectrum units fail, and its pair units fail the whole
 * pair — while unchanged ones compute exactly what the local sweep computes.
 */
class SpectrumWorkerTest {
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";
    private static final ModelShape SHAPE = new ModelShape("mini", 1, 16, 24, 2, 1, 32, false);

    private static WorkUnit.Checkpoint listed(int index, Path ck, String label) {
        try (TensorSource s = SparkCheckpoints.open(ck.toString(), new Configuration())) {
            return new WorkUnit.Checkpoint(index, ck.toString(), label, SparkCheckpoints.identity(ck.toString(), s));
        }
    }

    @Test
    void aFileChangedSinceListingFailsItsUnitsAndAnUnchangedOneComputes(@TempDir Path dir) {
        Path ck = dir.resolve("step1");
        SyntheticModel.write(ck, new SyntheticModel.Parameters(SHAPE, 5, DType.F32, 2));
        WorkUnit.Checkpoint now = listed(0, ck, "step1");

        UnitResult ok = SpectrumWorker.compute(List.of(WorkUnit.spectrum(now, Q, 16, 16)), Map.of()).get(0);
        assertNull(ok.failure(), ok.failure());
        assertNotNull(ok.sigma());
        assertEquals(16, ok.sigma().length);

        WorkUnit.Checkpoint stale = new WorkUnit.Checkpoint(0, ck.toString(), "step1", now.identity() + "0");
        UnitResult old = SpectrumWorker.compute(List.of(WorkUnit.spectrum(stale, Q, 16, 16)), Map.of()).get(0);
        assertNull(old.sigma());
        assertTrue(old.failure().startsWith("changed during the sweep"), old.failure());

        WorkUnit.Checkpoint gone = new WorkUnit.Checkpoint(0, dir.resolve("step9").toString(), "step9", "x");
        UnitResult missing = SpectrumWorker.compute(List.of(WorkUnit.spectrum(gone, Q, 16, 16)), Map.of()).get(0);
        assertTrue(missing.failure().contains("not found"), missing.failure());
    }

    @Test
    void aPairComputesAsTheLocalSweepAndFailsAsAWholeWhenACheckpointChanged(@TempDir Path dir) {
        Path a = dir.resolve("step1");
        Path b = dir.resolve("step2");
        SyntheticModel.write(a, new SyntheticModel.Parameters(SHAPE, 5, DType.F32, 1));
        SyntheticModel.write(b, new SyntheticModel.Parameters(SHAPE, 6, DType.F32, 2));
        WorkUnit.Checkpoint ca = listed(0, a, "step1");
        WorkUnit.Checkpoint cb = listed(1, b, "step2");

        PairResult update = PairWorker.compute(List.of(new WorkUnit(SweepPairs.Kind.UPDATE, cb, ca, Q, 16, 16)), Map.of(), 10, 0.5).get(0);
        assertFalse(update.wholePair());
        assertTrue(update.outcome().ok(), update.outcome().failure());
        assertSameUpdate(a, b, update.outcome().update());

        PairResult count = PairWorker.compute(List.of(new WorkUnit(SweepPairs.Kind.INTRUDERS, cb, ca, Q, 16, 16)), Map.of(), 10, 0.5).get(0);
        assertNotNull(count.outcome().intruders());

        WorkUnit.Checkpoint staleA = new WorkUnit.Checkpoint(0, a.toString(), "step1", ca.identity() + "0");
        List<PairResult> stale = PairWorker.compute(List.of(new WorkUnit(SweepPairs.Kind.UPDATE, cb, staleA, Q, 16, 16),
                new WorkUnit(SweepPairs.Kind.UPDATE, cb, staleA, "model.layers.0.self_attn.k_proj.weight", 8, 16)), Map.of(), 10, 0.5);
        assertEquals(2, stale.size());
        for (PairResult r : stale) {
            assertTrue(r.wholePair());
            assertEquals("step1 changed during the sweep", r.outcome().failure());
        }
    }

    /** The update of Q between two checkpoints equals what the local sweep computes ({@link SweepPairs#update}). */
    private static void assertSameUpdate(Path a, Path b, UpdateMetrics actual) {
        try (TensorSource sa = Checkpoints.open(a); TensorSource sb = Checkpoints.open(b)) {
            UpdateMetrics expected = SweepPairs.update(Backends.select(Backends.Preference.AUTO),
                    MatrixReader.read(sa, SpectrumWorker.listing(sa).get(Q)), MatrixReader.read(sb, SpectrumWorker.listing(sb).get(Q)));
            assertEquals(expected.relativeNorm(), actual.relativeNorm(), 1e-12 * expected.relativeNorm());
            assertEquals(expected.effectiveRank(), actual.effectiveRank(), 1e-12 * expected.effectiveRank());
            assertEquals(expected.stableRank(), actual.stableRank(), 1e-12 * expected.stableRank());
            assertEquals(expected.rankAt90(), actual.rankAt90());
        }
    }
}
