package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Budget tab's model loop on the trained sample {@code sample-checkpoints/tiny-kjv}, every
 * executor on the calling thread: calibrate on the bundled text (then from the cache), plans turn
 * data-aware, Evaluate plan reports perplexity/KL, and bad input stays one status line.
 */
class ModelLoopViewModelTest {
    @TempDir
    Path cache;

    final FakeDialogService dialogs = new FakeDialogService();

    static Path sample() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sample-checkpoints").resolve("tiny-kjv");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-kjv not found");
    }

    @Test
    void calibrateMakesPlansDataAwareAndEvaluateReportsTheModel() throws Exception {
        WorkbenchViewModel wb = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1), dialogs,
                new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        wb.open(sample());
        BudgetViewModel budget = new BudgetViewModel(wb, new EngineBudgetServices(OjAlgoBackend::new), Debouncer.immediate());
        ModelLoopViewModel vm = budget.modelLoop();
        vm.setCacheFolder(cache);
        assertEquals(sample().resolve("calibration.txt").toString(), vm.calibrationTextProperty().get(), "the bundled text");
        assertEquals(sample().resolve("eval.txt").toString(), vm.evaluationTextProperty().get());
        Plan weightOnly = budget.getPlan();
        assertNotNull(weightOnly, budget.messageProperty().get());
        assertFalse(weightOnly.isDataAware());

        vm.seqLenProperty().set(128);
        vm.maxTokensProperty().set(1024);
        vm.calibrate();
        assertFalse(vm.runningProperty().get());
        Path stats = vm.statisticsProperty().get();
        assertNotNull(stats, vm.statusProperty().get());
        assertTrue(stats.startsWith(cache) && Files.isRegularFile(stats), stats.toString());
        Plan aware = budget.getPlan();
        assertTrue(aware.isDataAware(), "statistics loaded: the Budget re-planned data-aware");
        assertEquals(weightOnly.totals().paramsAfter(), aware.totals().paramsAfter(), "same budget");

        var down = aware.matrix("model.layers.0.mlp.down_proj.weight").orElseThrow();
        budget.preview().previewMatrixProperty().set(down);
        String message = budget.preview().previewMessageProperty().get();
        assertTrue(message.contains("activation-space ‖(W−W')X‖/‖WX‖: weights-only "), message);

        // the tab's factorised export of a data-aware plan writes the whitened factors (W·S)_k·S⁻¹ and
        // verifies them against the plan's errors, as `rankscope plan --stats … --factorized` does
        Path factorised = cache.resolve("aware-factorised.safetensors");
        budget.exports().export(BudgetExportViewModel.ExportFormat.FACTORISED, factorised);
        String report = budget.exports().exportReportProperty().get();
        assertTrue(report.contains("re-read: verified"), report);
        assertTrue(Files.isRegularFile(factorised));
        assertTrue(dialogs.errors.isEmpty(), "no verification failure: " + dialogs.errors);

        vm.dataAwareProperty().set(false);
        assertFalse(budget.getPlan().isDataAware(), "the switch goes back to weights only");
        vm.dataAwareProperty().set(true);

        // a second calibration with the same model, text and window comes from the cache
        long modified = Files.getLastModifiedTime(stats).toMillis();
        vm.calibrate();
        assertEquals(stats, vm.statisticsProperty().get());
        assertEquals(modified, Files.getLastModifiedTime(stats).toMillis());

        vm.evaluatePlan();
        var r = vm.evaluationProperty().get();
        assertNotNull(r, vm.statusProperty().get());
        assertTrue(r.original().perplexity() < 2048 / 10.0);
        assertTrue(r.compressed().perplexity() >= r.original().perplexity() * 0.99);
        assertTrue(r.meanKl() > 0 && Double.isFinite(r.meanKl()));
        assertNotNull(r.activationError());
        assertTrue(vm.statusProperty().get().startsWith("Perplexity "), vm.statusProperty().get());

        vm.evaluationTextProperty().set(cache.resolve("missing.txt").toString());
        vm.evaluatePlan();
        assertTrue(vm.statusProperty().get().contains("no such text file"), vm.statusProperty().get());
        assertFalse(vm.runningProperty().get());
        assertTrue(dialogs.errors.isEmpty(), "failures stay in the status line: " + dialogs.errors);
        wb.close(wb.checkpoints().get(0));
        assertNull(vm.statisticsProperty().get(), "another model drops the statistics");
    }
}
