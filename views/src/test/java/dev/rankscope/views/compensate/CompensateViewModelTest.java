package dev.rankscope.views.compensate;

import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.views.testing.FakeDialogService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Quantize/Compensate tab's ViewModel with same-thread executors: analyse, move the budget, export. */
class CompensateViewModelTest {
    private static final Executor SAME_THREAD = Runnable::run;

    @TempDir
    Path dir;

    private Path model() {
        Random r = new Random(11);
        SafetensorsWriter w = new SafetensorsWriter();
        String[] names = {"model.layers.0.self_attn.q_proj", "model.layers.0.mlp.up_proj", "model.layers.1.mlp.down_proj"};
        int[][] shapes = {{24, 32}, {40, 32}, {32, 40}};
        for (int i = 0; i < names.length; i++) {
            int m = shapes[i][0];
            int n = shapes[i][1];
            double[] d = new double[m * n];
            for (int j = 0; j < d.length; j++) {
                d[j] = (float) (0.05 * r.nextGaussian() * (1 + 4 * Math.exp(-(j % n) / 3.0)));
            }
            w.add(names[i] + ".weight", DType.F32, new long[] {m, n}, sink -> sink.put(d));
        }
        Path f = dir.resolve("base.safetensors");
        w.write(f, AtomicFileWriter.unprotected());
        return f;
    }

    @Test
    void analyseMoveTheBudgetAndExportTheSameRanks() {
        FakeDialogService dialogs = new FakeDialogService();
        CompensateViewModel vm = new CompensateViewModel(dialogs, SAME_THREAD, SAME_THREAD);
        vm.baseProperty().set(model());
        vm.schemeProperty().set("int4");
        vm.analyse();
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        CompensateResult analysis = vm.analysisProperty().get();
        assertNotNull(analysis);
        assertEquals(3, vm.rows().size());
        assertTrue(analysis.files().isEmpty(), "analysis writes nothing");
        assertNotNull(vm.selectedProperty().get());
        assertTrue(vm.errorSigma(vm.selectedProperty().get()).length > 0);

        vm.budgetProperty().set(0);
        double before = meanResidual(vm);
        assertEquals(0, vm.ranksProperty().get().values().stream().mapToInt(Integer::intValue).sum());
        vm.budgetProperty().set(1500);
        long cost = cost(vm, analysis);
        assertTrue(cost <= 1500 && cost > 1500 - 73, "budget used: " + cost);
        double after = meanResidual(vm);
        assertTrue(after < before, after + " < " + before);
        for (CompensateViewModel.Row row : vm.rows()) {
            assertTrue(row.residual() <= row.relativeError() + 1e-15, row.id());
        }

        Path out = dir.resolve("adapter");
        vm.export(out);
        CompensateResult exported = vm.exportedProperty().get();
        assertNotNull(exported, dialogs.errors.toString());
        assertTrue(exported.verified());
        assertEquals(cost, exported.addedParams(), "the export runs the job with the slider's budget: same ranks");
        for (CompensateResult.MatrixRow m : exported.matrices()) {
            assertEquals(vm.ranksProperty().get().get(m.id()), m.rank(), m.id());
        }
        assertTrue(Files.isRegularFile(out.resolve("adapter_model.safetensors")));
        assertTrue(vm.statusProperty().get().startsWith("Wrote"), vm.statusProperty().get());
    }

    @Test
    void aQuantizedFileListsWhatCouldNotBePairedAndAnalysesTheRest() {
        FakeDialogService dialogs = new FakeDialogService();
        CompensateViewModel vm = new CompensateViewModel(dialogs, SAME_THREAD, SAME_THREAD);
        vm.baseProperty().set(model());
        Random r = new Random(5);
        SafetensorsWriter w = new SafetensorsWriter();
        double[] q = new double[24 * 32];
        for (int j = 0; j < q.length; j++) {
            q[j] = (float) (0.05 * r.nextGaussian());
        }
        w.add("model.layers.0.self_attn.q_proj.weight", DType.F32, new long[] {24, 32}, sink -> sink.put(q));
        w.add("model.layers.0.mlp.up_proj.weight", DType.F32, new long[] {32, 40}, sink -> sink.put(new double[32 * 40]));
        w.add("lm_head.weight", DType.F32, new long[] {5, 32}, sink -> sink.put(new double[5 * 32]));
        Path quant = dir.resolve("quantized.safetensors");
        w.write(quant, AtomicFileWriter.unprotected());
        vm.quantizedFileProperty().set(quant);
        vm.analyse();
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertEquals(1, vm.rows().size(), "the one pair is analysed");
        String status = vm.statusProperty().get();
        assertTrue(status.startsWith("1 matrices paired"), status);
        assertTrue(status.contains("\nshape mismatch (skipped): model.layers.0.mlp.up_proj.weight: base 40×32, quantized 32×40"),
                status);
        assertTrue(status.contains("\nonly in base (skipped): model.layers.1.mlp.down_proj.weight"), status);
        assertTrue(status.contains("\nonly in quantized (skipped): lm_head.weight"), status);
    }

    @Test
    void problemsBecomeOneDialogSentence() {
        FakeDialogService dialogs = new FakeDialogService();
        CompensateViewModel vm = new CompensateViewModel(dialogs, SAME_THREAD, SAME_THREAD);
        vm.analyse();
        assertEquals("choose a base model first", dialogs.errors.get(0).message());
        vm.baseProperty().set(model());
        vm.schemeProperty().set("int5");
        vm.analyse();
        assertTrue(dialogs.errors.get(1).message().contains("unknown quantization scheme 'int5'"), dialogs.errors.toString());
        vm.schemeProperty().set("int8");
        vm.statsProperty().set(dir.resolve("missing.safetensors"));
        vm.analyse();
        assertEquals(3, dialogs.errors.size());
        assertTrue(dialogs.errors.get(2).message().contains("missing.safetensors"), dialogs.errors.get(2).message());
        assertTrue(!vm.runningProperty().get());
    }

    private static double meanResidual(CompensateViewModel vm) {
        return vm.rows().stream().mapToDouble(CompensateViewModel.Row::residual).average().orElseThrow();
    }

    private static long cost(CompensateViewModel vm, CompensateResult r) {
        Map<String, Integer> ranks = vm.ranksProperty().get();
        return r.matrices().stream().mapToLong(m -> (long) ranks.getOrDefault(m.id(), 0) * (m.rows() + m.cols())).sum();
    }
}
