package dev.rankscope.views.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.details.DetailItem;
import dev.rankscope.views.details.DetailsViewModel;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.layermap.LayerMapViewModel;
import dev.rankscope.views.model.Metric;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.spectrum.SpectrumViewModel;
import dev.rankscope.views.table.MetricsColumns;
import dev.rankscope.views.table.MetricsRow;
import dev.rankscope.views.table.MetricsTableViewModel;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue #7's quick preview through the ViewModels, with a fake engine and a hand-stepped task executor. */
class QuickPreviewViewModelTest {
    final FakeWorkbenchServices services = new FakeWorkbenchServices();
    final FakeDialogService dialogs = new FakeDialogService();
    final InMemorySettingsStore settings = new InMemorySettingsStore();
    final ManualExecutor tasks = new ManualExecutor();

    WorkbenchViewModel vm() {
        services.quickPass = true;
        return new WorkbenchViewModel(services, dialogs, settings, new WorkbenchExecutors(Runnable::run, tasks, Runnable::run));
    }

    private static MetricsRow row(MetricsTableViewModel table, MatrixEntry e) {
        return table.rows().stream().filter(r -> r.entry().equals(e)).findFirst().orElseThrow();
    }

    private static String detail(List<DetailItem> items, String name) {
        return items.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow().value();
    }

    private static Object cell(String header, MetricsRow r) {
        return MetricsColumns.ALL.stream().filter(c -> c.header().equals(header)).findFirst().orElseThrow().value().apply(r);
    }

    @Test
    void approximateResultsAreLabelledThenReplacedByExactOnes() {
        settings.setQuickPreview(QuickPreview.ALWAYS);
        WorkbenchViewModel vm = vm();
        SpectrumViewModel spectrum = new SpectrumViewModel(vm);
        MetricsTableViewModel table = new MetricsTableViewModel(vm);
        LayerMapViewModel layerMap = new LayerMapViewModel(vm);
        vm.metricProperty().set(Metric.SIGMA1);
        vm.open(Path.of("/models/big.safetensors"));
        CheckpointModel cp = vm.checkpoints().get(0);
        int n = cp.matrices().size();
        assertEquals(1, services.quickTasks.size(), "quick pass created");
        assertEquals(0, services.tasks.size(), "exact pass waits for the quick one");
        assertEquals("quick preview", cp.getState());

        tasks.queue.poll().run();                                    // the quick pass
        assertEquals(n, vm.analyses().size());
        assertTrue(vm.analyses().values().stream().allMatch(a -> a.spectrum().approximate()));
        assertEquals(n, cp.getApproximate());
        assertEquals(0, cp.getAnalysed(), "approximate results are not counted as analysed");
        assertEquals(0, vm.matricesDoneProperty().get());
        MatrixEntry first = cp.matrices().get(0);
        MatrixAnalysis approx = vm.analysis(first);
        assertEquals(FakeWorkbenchServices.QUICK_K, approx.spectrum().sigma().length);
        // labelled everywhere: chart note, badge text, table name cell; full-spectrum metrics unavailable
        vm.select(first);
        assertEquals("≈ approximate (top " + FakeWorkbenchServices.QUICK_K + ")", spectrum.approximateNoteProperty().get());
        assertTrue(Metric.SIGMA1.formatOf(approx).startsWith("≈ "));
        assertTrue(Double.isNaN(Metric.ERANK_RATIO.of(approx)), "effective rank needs every σ");
        assertTrue(Double.isNaN(Metric.ALPHA.of(approx)));
        assertTrue(Double.isNaN(Metric.MP_SOFTRANK.of(approx)));
        assertTrue(Double.isNaN(Metric.STABLE_RANK.of(approx)), "no exact Frobenius norm from the fake's top-k");
        assertEquals(FakeWorkbenchServices.sigma(first)[0], Metric.SIGMA1.of(approx), 1e-12);
        MetricsRow r = row(table, first);
        assertEquals("≈ " + first.id(), cell("name", r));
        assertTrue(Double.isNaN((Double) cell("erank", r)));
        assertTrue(Double.isNaN((Double) cell("alpha", r)));
        assertTrue(layerMap.getGrid().cell(0, ModuleType.Q).approximate(), "layer map cell marked ≈");
        List<DetailItem> details = DetailsViewModel.items(first, approx, cp.opened());
        assertTrue(detail(details, "effective rank").startsWith("— "), detail(details, "effective rank"));
        assertTrue(detail(details, "r(0.90)").startsWith("— "));
        assertTrue(detail(details, "σ₁ (spectral norm)").startsWith("≈ "));
        assertTrue(detail(details, "α").startsWith("— "));

        assertEquals(1, services.tasks.size(), "exact pass started when the quick one finished");
        assertEquals("analysing", cp.getState());
        tasks.runAll();                                              // the exact pass
        assertEquals(n, vm.analyses().size());
        assertTrue(vm.analyses().values().stream().noneMatch(a -> a.spectrum().approximate()));
        assertEquals(0, cp.getApproximate());
        assertEquals(n, cp.getAnalysed());
        assertEquals(n, vm.matricesDoneProperty().get());
        assertEquals("", spectrum.approximateNoteProperty().get());
        MatrixAnalysis exact = vm.analysis(first);
        assertEquals(first.fullRank(), exact.spectrum().sigma().length);
        assertFalse(Metric.ERANK_RATIO.formatOf(exact).startsWith("≈"));
        assertFalse(Double.isNaN(Metric.ERANK_RATIO.of(exact)));
        assertEquals(first.id(), cell("name", row(table, first)));
        assertEquals(n, table.rows().size(), "replaced rows, not added ones");
        assertFalse(layerMap.getGrid().cell(0, ModuleType.Q).approximate());
        assertFalse(detail(DetailsViewModel.items(first, exact, cp.opened()), "effective rank").startsWith("—"));
        assertEquals("analysed", cp.getState());

        // a late approximate result never overwrites an exact one
        services.quickSinks.get(0).onMatrix(FakeWorkbenchServices.approximate(first));
        assertSame(exact, vm.analysis(first));
        assertEquals(0, cp.getApproximate());
    }

    @Test
    void cancellingTheQuickPassSkipsToTheExactPassAndClosingCancelsBoth() {
        settings.setQuickPreview(QuickPreview.ALWAYS);
        WorkbenchViewModel vm = vm();
        vm.open(Path.of("/models/a.safetensors"));
        AbstractTask quick = services.quickTasks.get(0);
        assertEquals(1, vm.tasks().size());
        vm.tasks().get(0).cancel();
        assertEquals(AbstractTask.Status.CANCELLED, quick.status());
        assertEquals(1, services.tasks.size(), "exact pass starts after a cancelled preview");
        assertEquals(1, vm.tasks().size());
        tasks.runAll();
        assertEquals(vm.checkpoints().get(0).matrices().size(), vm.matricesDoneProperty().get());

        vm.open(Path.of("/models/b.safetensors"));
        CheckpointModel b = vm.checkpoints().get(1);
        AbstractTask quickB = services.quickTasks.get(1);
        vm.close(b);
        assertEquals(AbstractTask.Status.CANCELLED, quickB.status());
        assertEquals(1, services.tasks.size(), "no exact pass for a closed checkpoint");
        assertTrue(vm.tasks().isEmpty());
        tasks.runAll();
        assertEquals(vm.checkpoints().get(0).matrices().size(), vm.analyses().size());
    }

    @Test
    void closingDuringTheQuickPreviewForgetsApproximateResults() {
        settings.setQuickPreview(QuickPreview.ALWAYS);
        WorkbenchViewModel vm = vm();
        vm.open(Path.of("/models/a.safetensors"));
        tasks.queue.poll().run();
        CheckpointModel cp = vm.checkpoints().get(0);
        assertEquals(cp.matrices().size(), vm.analyses().size());
        vm.close(cp);
        assertTrue(vm.analyses().isEmpty());
        assertEquals(0, vm.matricesDoneProperty().get(), "approximate results were never counted");
        assertEquals(0, vm.matricesTotalProperty().get());
        tasks.runAll();
        assertTrue(vm.analyses().isEmpty());
    }

    @Test
    void smallCheckpointsSkipThePreviewUnderTheDefaultRuleAndOffDisablesIt() {
        WorkbenchViewModel vm = vm();
        assertEquals(QuickPreview.LARGE_CHECKPOINTS, vm.quickPreviewProperty().get(), "default");
        vm.open(Path.of("/models/small.safetensors"));
        assertTrue(services.quickTasks.isEmpty(), "a tiny checkpoint is not 'large'");
        assertEquals(1, services.tasks.size());

        vm.quickPreviewProperty().set(QuickPreview.OFF);
        assertEquals(QuickPreview.OFF, settings.quickPreview(), "persisted");
        vm.open(Path.of("/models/other.safetensors"));
        assertTrue(services.quickTasks.isEmpty());
    }

    @Test
    void largeCheckpointRule() {
        MatrixEntry small = new FakeWorkbenchServices().open(Path.of("/m/x.safetensors")).matrices().get(0);
        assertFalse(QuickPreview.LARGE_CHECKPOINTS.appliesTo(List.of(small)));
        assertTrue(QuickPreview.ALWAYS.appliesTo(List.of(small)));
        assertFalse(QuickPreview.OFF.appliesTo(List.of(small)));
        // 12 matrices of 1024×4096: 12 · 1024 · 4096 · 1024 ≈ 5.15e10 ≥ 5e10
        MatrixEntry big = new MatrixEntry(small.checkpoint(), dev.rankscope.engine.spectrum.MatrixRef.whole("w", 1024, 4096),
                small.name(), small.dtype());
        assertTrue(QuickPreview.LARGE_CHECKPOINTS.appliesTo(java.util.Collections.nCopies(12, big)));
        assertFalse(QuickPreview.LARGE_CHECKPOINTS.appliesTo(java.util.Collections.nCopies(11, big)));
    }
}
