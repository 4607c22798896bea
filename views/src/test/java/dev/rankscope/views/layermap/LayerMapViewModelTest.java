package dev.rankscope.views.layermap;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.model.Metric;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import dev.rankscope.views.testing.TestAnalyses;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerMapViewModelTest {

    WorkbenchViewModel workbench() {
        return new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(), new InMemorySettingsStore(),
                WorkbenchExecutors.sameThread());
    }

    @Test
    void gridHasLayersByModuleTypesAndFollowsTheMetric() {
        WorkbenchViewModel wb = workbench();
        LayerMapViewModel vm = new LayerMapViewModel(wb);
        wb.open(Path.of("/m/a.safetensors"));
        LayerGrid g = vm.getGrid();
        assertEquals(List.of(-1, 0, 1, 2), g.rows());
        assertEquals(List.of(ModuleType.Q, ModuleType.K, ModuleType.V, ModuleType.O, ModuleType.GATE, ModuleType.UP,
                ModuleType.DOWN, ModuleType.EMBED, ModuleType.LM_HEAD), g.columns());
        assertEquals(Metric.ERANK_RATIO, g.metric());
        assertEquals(0.0, g.min());
        assertEquals(1.0, g.max());
        assertNull(g.cell(-1, ModuleType.Q));
        vm.metricProperty().set(Metric.ALPHA);
        g = vm.getGrid();
        assertEquals(Metric.ALPHA, g.metric());
        assertEquals(2.5, g.cell(1, ModuleType.Q).value(), 1e-12, "fake α = 2 + (layer+1)/4");
        assertEquals(2.0, g.min(), 1e-12, "embed / lm_head (layer −1) have the smallest fake α");
        assertEquals(2.75, g.max(), 1e-12);
        assertEquals(2.0 / 3, g.normalised(2.5), 1e-12);
        assertEquals(Metric.ALPHA, wb.metricProperty().get(), "the metric is shared with the explorer badge");
    }

    @Test
    void clickingACellSelectsItsMatricesEverywhere() {
        WorkbenchViewModel wb = workbench();
        LayerMapViewModel vm = new LayerMapViewModel(wb);
        wb.open(Path.of("/m/a.safetensors"));
        vm.selectCell(vm.getGrid().cell(2, ModuleType.DOWN));
        assertEquals("model.layers.2.mlp.down_proj.weight", wb.getCurrent().id());
        assertEquals(1, wb.selection().size());
    }

    @Test
    void cellsWithSeveralExpertsAverageTheAnalysedOnes() {
        FakeWorkbenchServices services = new FakeWorkbenchServices();
        var opened = services.open(Path.of("/m/a.safetensors"));
        MatrixEntry q0 = opened.matrices().get(1);
        MatrixEntry expert = new MatrixEntry(q0.checkpoint(), new dev.rankscope.engine.spectrum.MatrixRef(
                q0.id() + "[1]", q0.id(), 1, 32, 32, false), q0.name(), q0.dtype());
        var a = TestAnalyses.of(q0, new double[]{3, 2, 1});
        LayerGrid g = LayerGrid.build(List.of(q0, expert), Map.of(q0, a)::get, Metric.STABLE_RANK);
        LayerGrid.Cell cell = g.cell(0, ModuleType.Q);
        assertEquals(2, cell.entries().size());
        assertEquals(1, cell.analysed());
        assertEquals(14.0 / 9, cell.value(), 1e-12);
        assertEquals(0.5, g.normalised(cell.value()), "one value: mid-scale");
        assertTrue(Double.isNaN(LayerGrid.build(List.of(q0), e -> null, Metric.ALPHA).cell(0, ModuleType.Q).value()));
    }

    @Test
    void buildsOffTheFxThreadAndAppliesOnTheUiExecutor() {
        ManualExecutor work = new ManualExecutor();
        ManualExecutor ui = new ManualExecutor();
        WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(),
                new InMemorySettingsStore(), new WorkbenchExecutors(work, Runnable::run, ui));
        LayerMapViewModel vm = new LayerMapViewModel(wb);
        wb.open(Path.of("/m/a.safetensors"));
        work.runAll();
        ui.runAll();
        work.runAll();
        ui.runAll();
        work.runAll();
        ui.runAll();
        assertEquals(4, vm.getGrid().rows().size());
    }
}
