package dev.rankscope.analysis;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.testing.InMemoryTensorSource;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalyzeTaskTest {

    private static double[] random(Random rnd, int count) {
        double[] d = new double[count];
        for (int i = 0; i < count; i++) {
            d[i] = rnd.nextGaussian();
        }
        return d;
    }

    private static InMemoryTensorSource model() {
        Random rnd = new Random(1);
        double[] withNan = random(rnd, 12 * 8);
        withNan[5] = Double.NaN;
        return new InMemoryTensorSource(Path.of("/models/tiny.safetensors"))
                .add("transformer.h.0.attn.c_attn.weight", DType.F16, new long[]{24, 16}, random(rnd, 24 * 16))
                .add("transformer.h.0.ln_1.weight", DType.F32, new long[]{16}, random(rnd, 16))
                .add("model.layers.1.mlp.experts.down_proj", DType.Q8_0, new long[]{2, 16, 20}, random(rnd, 2 * 16 * 20))
                .add("transformer.h.1.mlp.c_fc.weight", DType.F32, new long[]{12, 8}, withNan);
    }

    @Test
    void analysesEveryMatrixAndReportsFailures() {
        InMemoryTensorSource source = model();
        List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
        assertEquals(4, refs.size());
        AnalysisCollector collector = new AnalysisCollector(refs);
        AnalyzeTask task = new AnalyzeTask(source, refs, new OjAlgoBackend(), Precision.F64, 2, collector);
        List<AbstractTask.Progress> progress = new CopyOnWriteArrayList<>();
        task.addListener(progress::add);
        task.run();

        assertEquals(AbstractTask.Status.FINISHED, task.status());
        assertEquals(1.0, task.fraction(), 0);
        assertTrue(progress.stream().anyMatch(p -> p.message().equals("4 of 4 matrices")), progress.toString());
        List<MatrixAnalysis> done = collector.analyses();
        assertEquals(3, done.size());
        assertEquals("transformer.h.0.attn.c_attn.weight", done.get(0).name().id());
        assertEquals(ModuleType.QKV, done.get(0).name().module());
        assertEquals(DType.F16, done.get(0).dtype());
        assertEquals("model.layers.1.mlp.experts.down_proj[0]", done.get(1).name().id());
        assertEquals("model.layers.1.mlp.experts.down_proj[1]", done.get(2).name().id());
        assertEquals(ModuleType.DOWN, done.get(2).name().module());
        assertEquals(1, done.get(2).name().layer());
        assertEquals(DType.Q8_0, done.get(2).dtype());
        assertTrue(done.get(2).warnings().get(0).contains("dequantised"));
        assertEquals(16, done.get(2).spectrum().sigma().length);
        // the NaN matrix fails alone, with the backend's domain exception
        assertEquals(1, collector.failures().size());
        assertEquals("transformer.h.1.mlp.c_fc.weight", collector.failures().get(0).ref().id());
        assertTrue(collector.failureMessages().get(0).startsWith("transformer.h.1.mlp.c_fc.weight: "));
    }

    @Test
    void cancelBeforeRunDoesNothing() {
        InMemoryTensorSource source = model();
        List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
        AnalysisCollector collector = new AnalysisCollector(refs);
        AnalyzeTask task = new AnalyzeTask(source, refs, new OjAlgoBackend(), Precision.F64, 1, collector);
        task.cancel();
        task.run();
        assertEquals(AbstractTask.Status.CANCELLED, task.status());
        assertTrue(collector.analyses().isEmpty());
    }

    @Test
    void cancelBetweenMatricesStopsTheRest() {
        InMemoryTensorSource source = model();
        List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
        List<MatrixAnalysis> seen = new CopyOnWriteArrayList<>();
        AnalyzeTask[] holder = new AnalyzeTask[1];
        AnalysisListener cancelling = new AnalysisListener() {
            @Override
            public void onMatrix(MatrixAnalysis analysis) {
                seen.add(analysis);
                holder[0].cancel();
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
            }
        };
        holder[0] = new AnalyzeTask(source, refs, new OjAlgoBackend(), Precision.F64, 1, cancelling);
        holder[0].run();
        assertEquals(AbstractTask.Status.CANCELLED, holder[0].status());
        assertEquals(1, seen.size());
    }

    @Test
    void t5DecoderLayersAreNumberedAfterTheEncoder() {
        Random rnd = new Random(2);
        InMemoryTensorSource source = new InMemoryTensorSource(Path.of("t5.safetensors"))
                .add("decoder.block.0.layer.0.SelfAttention.q.weight", DType.F32, new long[]{8, 8}, random(rnd, 64))
                .add("encoder.block.0.layer.0.SelfAttention.q.weight", DType.F32, new long[]{8, 8}, random(rnd, 64))
                .add("encoder.block.1.layer.0.SelfAttention.q.weight", DType.F32, new long[]{8, 8}, random(rnd, 64));
        List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
        AnalysisCollector collector = new AnalysisCollector(refs);
        new AnalyzeTask(source, refs, new OjAlgoBackend(), Precision.F64, 1, collector).run();
        assertEquals(List.of(2, 0, 1), collector.analyses().stream().map(a -> a.name().layer()).toList());
    }
}
