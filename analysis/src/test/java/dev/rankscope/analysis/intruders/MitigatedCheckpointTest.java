package dev.rankscope.analysis.intruders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class MitigatedCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheMitigatedWeightsAndCopiesTheRest() throws Exception {
        Matrix[] pair = Fixtures.plantedIntruder(21);
        Matrix w0 = pair[0];
        Matrix wt = pair[1];
        int m = 12, n = 8;
        Random rnd = new Random(22);
        double[] other = Fixtures.gaussian(rnd, 20);
        double[] norm = {1, 2, 3, 4};
        TensorSource base = InMemoryTensorSource.builder("base").matrix("a.weight", m, n, w0.data())
                .matrix("b.weight", 4, 5, other).tensor("norm.weight", new long[] {4}, norm).build();
        TensorSource tuned = InMemoryTensorSource.builder("tuned").matrix("a.weight", m, n, wt.data())
                .matrix("b.weight", 4, 5, other).tensor("norm.weight", DType.F64, new long[] {4}, norm).build();
        Path out = tmp.resolve("mitigated.safetensors");
        OjAlgoBackend svd = new OjAlgoBackend();
        MitigatedCheckpoint.Result result = MitigatedCheckpoint.write(base, tuned, IntruderParameters.DEFAULT, 0.75, svd,
                out, AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
        assertEquals(Map.of("a.weight", List.of(1)), result.scaledRanks());

        try (TensorSource written = Checkpoints.open(out)) {
            assertEquals(List.of("a.weight", "b.weight", "norm.weight"),
                    written.tensors().stream().map(t -> t.name()).toList());
            double[] sigma = svd.singularValues(new Matrix(m, n, written.readDouble("a.weight")),
                    SvdBackend.Tolerance.DEFAULT).sigma();
            assertEquals(0.75 * Math.hypot(1, 100), sigma[0], 1e-4);
            assertEquals(8, sigma[1], 1e-5);
            double[] b = written.readDouble("b.weight");
            for (int i = 0; i < other.length; i++) {
                assertEquals((float) other[i], b[i], 0.0);
            }
            assertEquals(DType.F64, written.require("norm.weight").dtype());
            assertArrayEquals(norm, written.readDouble("norm.weight"));
            JsonNode meta = new ObjectMapper().readTree(written.metadata().get(MitigatedCheckpoint.METADATA_KEY));
            assertEquals(10, meta.get("k").asInt());
            assertEquals(0.75, meta.get("lambda").asDouble());
        }
    }
}
