package dev.rankscope.analysis;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.AnalysisTable;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.analysis.testing.TestSpectra;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A safetensors file through the engine reader, the ojAlgo backend, AnalyzeTask and the JSON report. */
class AnalyzeCheckpointTest {

    @Test
    void analysesASafetensorsCheckpointEndToEnd(@TempDir Path dir) throws Exception {
        Random rnd = new Random(8);
        Matrix q = TestSpectra.gaussian(rnd, 48, 32, 0.05);
        Matrix lowRank = new Matrix(40, 32, new double[40 * 32]);
        TestSpectra.plantSpike(rnd, lowRank, 5);
        TestSpectra.plantSpike(rnd, lowRank, 2);
        double[] experts = TestSpectra.gaussian(rnd, 2 * 16 * 12, 1, 1).data();
        Path file = dir.resolve("model.safetensors");
        new SafetensorsWriter()
                .add("model.layers.0.self_attn.q_proj.weight", DType.BF16, new long[]{48, 32}, s -> s.put(q.data()))
                .add("model.layers.0.mlp.down_proj.weight", DType.F64, new long[]{40, 32}, s -> s.put(lowRank.data()))
                .add("model.layers.0.input_layernorm.weight", DType.F32, new long[]{32}, s -> s.put(new double[32]))
                .add("model.layers.1.block_sparse_moe.experts.w1", DType.F16, new long[]{2, 16, 12}, s -> s.put(experts))
                .write(file, AtomicFileWriter.unprotected());

        try (TensorSource source = Checkpoints.open(file)) {
            List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
            AnalysisCollector collector = new AnalysisCollector(refs);
            SvdBackend backend = new OjAlgoBackend();
            AnalyzeTask task = new AnalyzeTask(source, refs, backend, Precision.F64, 2, collector);
            task.run();
            assertEquals(AbstractTask.Status.FINISHED, task.status());
            assertTrue(collector.failures().isEmpty(), collector.failureMessages().toString());
            List<MatrixAnalysis> done = collector.analyses();
            assertEquals(4, done.size());

            MatrixAnalysis down = done.get(1);
            assertEquals(ModuleType.DOWN, down.name().module());
            // stored in F64 so the planted rank survives (F32 rounding alone lifts σ₃ far above numpy's tolerance)
            assertEquals(2, down.ranks().numericalRank(), "planted rank 2");
            assertEquals(2, down.ranks().rankAt99());
            assertTrue(down.ranks().spectralNorm() > 4.5 && down.ranks().spectralNorm() < 5.7);
            assertEquals(DType.BF16, done.get(0).dtype());
            assertEquals(32, done.get(0).ranks().numericalRank());
            assertEquals(ModuleType.GATE, done.get(2).name().module());
            assertEquals("model.layers.1.block_sparse_moe.experts.w1[0]", done.get(2).name().id());
            assertEquals(DType.F16, done.get(3).dtype());

            CheckpointAnalysis report = new CheckpointAnalysis(
                    new SourceInfo(file.toString(), source.format(), null, source.tensors().size(), refs.size()),
                    backend.info(), done, Instant.parse("2026-11-23T10:00:00Z"), collector.failureMessages());
            Path json = dir.resolve("analysis.json");
            AnalysisJson.write(report, json);
            CheckpointAnalysis back = AnalysisJson.read(json);
            assertEquals(report.source(), back.source());
            for (int i = 0; i < done.size(); i++) {
                assertEquals(done.get(i).ranks(), back.matrices().get(i).ranks());
                assertEquals(done.get(i).powerLaw(), back.matrices().get(i).powerLaw());
                assertEquals(done.get(i).mp(), back.matrices().get(i).mp());
            }
            List<String> table = AnalysisTable.lines(back);
            // the planted rank-2 matrix: every MP grid scale is rejected (a flagged, degenerate fit)
            assertTrue(down.mp().degenerate());
            assertEquals(4 + 4 + 1, table.size());
            assertTrue(table.get(table.size() - 1).startsWith("d: degenerate MP fit"), table.toString());
            String total = table.get(table.size() - 2);
            assertTrue(total.startsWith("total: 4 matrices, "
                    + String.format(java.util.Locale.ROOT, "%,d", 48 * 32 + 40 * 32 + 2 * 16 * 12) + " parameters"));
        }
    }
}
