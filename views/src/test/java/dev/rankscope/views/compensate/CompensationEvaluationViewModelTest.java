package dev.rankscope.views.compensate;

import dev.rankscope.application.compensate.CompensateJob;
import dev.rankscope.application.compensate.CompensateParameters;
import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.application.compensate.CompensationCurveResult;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.model.EvaluateResult;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.FakeDialogService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Quantize tab's Evaluate panel with same-thread executors, on the trained sample
 * {@code sample-checkpoints/tiny-kjv}: an in-tool int4 run with a rank-8 compensation, then the real
 * evaluate job twice (quantized, quantized + adapter). The compensation must bring the perplexity's
 * KL to the original down; Cancel ends a run with nothing shown.
 */
class CompensationEvaluationViewModelTest {
    @TempDir
    Path dir;

    static Path trainedSample() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("sample-checkpoints").resolve("tiny-kjv");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-kjv not found");
    }

    private CompensateResult exported() {
        Path model = trainedSample().resolve("model.safetensors");
        CompensateResult r = new CompensateJob().task(new CompensateParameters(model.toString(), "int4", null, null,
                CompensateParameters.Method.SVD, CompensateParameters.Selection.RANK, 8, 0, null, null, 1e-6,
                dir.resolve("adapter").toString(), "auto", null)).runHere();
        assertTrue(r.verified(), r.notes().toString());
        return r;
    }

    private static CompensationEvaluationViewModel vm(FakeDialogService dialogs,
            java.util.function.Function<EvaluateParameters, JobTask<EvaluateResult>> jobs) {
        WorkbenchExecutors same = WorkbenchExecutors.sameThread();
        return jobs == null ? new CompensationEvaluationViewModel(new BackgroundRunner(same, dialogs), same.ui())
                : new CompensationEvaluationViewModel(new BackgroundRunner(same, dialogs), same.ui(), jobs);
    }

    @Test
    void quantizedAndCompensatedPerplexityAgainstTheOriginal() {
        FakeDialogService dialogs = new FakeDialogService();
        List<EvaluateParameters> runs = new ArrayList<>();
        CompensationEvaluationViewModel vm = vm(dialogs, p -> {
            runs.add(p);
            return new dev.rankscope.application.model.EvaluateJob().task(new EvaluateParameters(p.model(), p.text(),
                    null, null, null, 64, 2048, null, p.quantized(), p.adapter()));
        });
        CompensateResult r = exported();
        vm.exported(r);
        assertEquals(trainedSample().resolve("eval.txt").toString(), vm.textProperty().get(), "the bundled eval.txt");
        vm.evaluate(r);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        CompensationEvaluationViewModel.Comparison c = vm.comparisonProperty().get();
        assertNotNull(c, vm.statusProperty().get());
        assertEquals(2, runs.size());
        assertNull(runs.get(0).adapter());
        assertEquals(dir.resolve("adapter"), runs.get(1).adapter());
        assertEquals(dir.resolve("adapter/quantized-base/model.safetensors"), runs.get(0).quantized());
        assertEquals(c.quantized().original().perplexity(), c.compensated().original().perplexity(), 0.0);
        assertTrue(c.quantized().meanKl() > 0, "int4 changes the model");
        assertTrue(c.compensated().meanKl() < c.quantized().meanKl(),
                "the compensation brings the model back: KL " + c.compensated().meanKl() + " vs " + c.quantized().meanKl());
        assertTrue(vm.statusProperty().get().startsWith("Perplexity ("), vm.statusProperty().get());
        assertFalse(vm.runningProperty().get());
        assertEquals(0, vm.progressProperty().get(), 0.0);
    }

    @Test
    void theQualityVsRankCurveEndsWhereTheEvaluationIsAndIsDrawnFromTheSameJob() {
        FakeDialogService dialogs = new FakeDialogService();
        List<EvaluateParameters> runs = new ArrayList<>();
        CompensationEvaluationViewModel vm = vm(dialogs, p -> {
            runs.add(p);
            return new dev.rankscope.application.model.EvaluateJob().task(new EvaluateParameters(p.model(), p.text(),
                    null, null, null, 64, 512, null, p.quantized(), p.adapter(), p.adapterRank()));
        });
        CompensateResult r = exported();
        vm.exported(r);
        vm.evaluate(r);
        CompensationEvaluationViewModel.Comparison c = vm.comparisonProperty().get();
        assertNotNull(c, vm.statusProperty().get());
        runs.clear();
        vm.curve(r);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        CompensationCurveResult curve = vm.curveProperty().get();
        assertNotNull(curve, vm.statusProperty().get());
        assertEquals(List.of(0, 1, 2, 4, 8), curve.points().stream().map(CompensationCurveResult.Point::rank).toList());
        assertEquals(List.of(0, 1, 2, 4, 8), runs.stream().map(EvaluateParameters::adapterRank).toList());
        assertNull(runs.get(0).adapter(), "rank 0 is the quantized model alone");
        assertEquals(c.quantized().meanKl(), curve.points().get(0).evaluation().meanKl(), 0.0);
        assertEquals(c.compensated().meanKl(), curve.points().get(4).evaluation().meanKl(), 0.0,
                "rank 8 of a rank-8 adapter is the whole adapter");
        double kl2 = curve.points().get(2).evaluation().meanKl();
        assertTrue(kl2 != c.quantized().meanKl() && kl2 != c.compensated().meanKl(), "rank 2 is a point of its own");
        assertTrue(vm.statusProperty().get().startsWith("Perplexity (KL to the original) by rank, original "), vm.statusProperty().get());
        vm.exported(r);
        assertNull(vm.curveProperty().get(), "a new export forgets the old curve");
    }

    @Test
    void cancelDuringTheRunShowsNothing() {
        FakeDialogService dialogs = new FakeDialogService();
        CompensationEvaluationViewModel[] holder = new CompensationEvaluationViewModel[1];
        CompensationEvaluationViewModel vm = vm(dialogs, p -> new JobTask<>("fake evaluation") {
            @Override
            protected EvaluateResult compute() {
                holder[0].cancel();   // the user presses Cancel while the first evaluation runs
                progress(0.5, "original: layer 1");
                checkCancelled();
                throw new AssertionError("the inner evaluation should have been cancelled");
            }
        });
        holder[0] = vm;
        CompensateResult r = exported();
        vm.exported(r);
        vm.evaluate(r);
        assertNull(vm.comparisonProperty().get());
        assertEquals("Evaluation cancelled.", vm.statusProperty().get());
        assertFalse(vm.runningProperty().get());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void nothingExportedYetSaysWhatToDo() {
        CompensationEvaluationViewModel vm = vm(new FakeDialogService(), null);
        vm.evaluate(null);
        assertTrue(vm.statusProperty().get().startsWith("Export an adapter first"), vm.statusProperty().get());
        assertFalse(vm.runningProperty().get());
    }
}
