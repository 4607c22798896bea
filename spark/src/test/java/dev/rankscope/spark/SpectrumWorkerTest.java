package dev.rankscope.spark;

import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executor side without Spark: a file that changed since the driver listed it is never read as if it had not. */
class SpectrumWorkerTest {
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";

    @Test
    void aFileChangedSinceListingFailsItsUnitsAndAnUnchangedOneComputes(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("step1");
        SyntheticModel.write(ck, new SyntheticModel.Parameters(new ModelShape("mini", 1, 16, 24, 2, 1, 32, false), 5, DType.F32, 1));
        Path file = ck.resolve("model.safetensors");
        long length = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();

        UnitResult ok = SpectrumWorker.compute(List.of(new WorkUnit(0, ck.toString(), Q, 16, 16, length, modified)), Map.of()).get(0);
        assertNull(ok.failure(), ok.failure());
        assertNotNull(ok.sigma());
        assertEquals(16, ok.sigma().length);

        UnitResult stale = SpectrumWorker.compute(List.of(new WorkUnit(0, ck.toString(), Q, 16, 16, length, modified - 1000)), Map.of()).get(0);
        assertNull(stale.sigma());
        assertTrue(stale.failure().startsWith("changed during the sweep"), stale.failure());

        UnitResult gone = SpectrumWorker.compute(List.of(new WorkUnit(0, dir.resolve("step9").toString(), Q, 16, 16, 1, 1)), Map.of()).get(0);
        assertTrue(gone.failure().contains("not found"), gone.failure());
    }
}
