package dev.rankscope.views.details;

import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DetailsViewModelTest {

    @Test
    void showsEverythingKnownAboutTheCurrentMatrix() {
        WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(),
                new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        DetailsViewModel vm = new DetailsViewModel(wb);
        assertEquals("No matrix selected", vm.titleProperty().get());
        wb.open(Path.of("/m/a.safetensors"));
        wb.select(wb.checkpoints().get(0).matrices().get(2));
        assertEquals("model.layers.0.self_attn.k_proj.weight", vm.titleProperty().get());
        Map<String, String> byName = vm.items().stream().collect(Collectors.toMap(DetailItem::name, DetailItem::value));
        assertEquals("16×32", byName.get("shape (m × n)"));
        assertEquals("16", byName.get("p = min(m, n)"));
        assertEquals("BF16", byName.get("dtype"));
        assertEquals("k", byName.get("module"));
        assertEquals("0", byName.get("layer"));
        assertEquals("2.25", byName.get("α"));
        assertTrue(byName.containsKey("effective rank"));
        assertTrue(byName.containsKey("λ₊ (bulk max)"));
        assertTrue(vm.items().stream().allMatch(i -> !i.description().isBlank()), "every line explains itself");
    }

    /**
     * View ▸ Pool Conv Kernels: a 32×24×3×3 kernel is nine 32×24 slices with 216 singular values in one spectrum; the
     * panel said "p = min(m, n) 24", "parameters 768" and "part of … rows taken all 32" beside 216 values.
     */
    @Test
    void aPooledConvKernelSaysHowManySingularValuesItPools() {
        MatrixRef ref = MatrixRef.pooledConv("features.0.conv.weight", 32, 24, 9);
        MatrixEntry e = new MatrixEntry(Path.of("/m/conv.safetensors"), ref,
                new MatrixName(ref.id(), 0, ModuleType.CONV, "features.0.conv"), DType.F32);
        Map<String, String> byName = DetailsViewModel.items(e, null, null).stream()
                .collect(Collectors.toMap(DetailItem::name, DetailItem::value));
        assertEquals("32×24", byName.get("shape (m × n)"));
        assertEquals("9", byName.get("kernel positions"));
        assertEquals("216 (9 × 24)", byName.get("singular values"));
        assertEquals("6912", byName.get("parameters"));
        assertTrue(!byName.containsKey("p = min(m, n)") && !byName.containsKey("part of"), byName.keySet().toString());
    }

    @Test
    void saysComputingUntilTheAnalysisArrives() {
        ManualExecutor tasks = new ManualExecutor();
        WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(),
                new InMemorySettingsStore(), new WorkbenchExecutors(Runnable::run, tasks, Runnable::run));
        DetailsViewModel vm = new DetailsViewModel(wb);
        wb.open(Path.of("/m/a.safetensors"));
        assertTrue(vm.items().stream().anyMatch(i -> i.value().equals("computing…")));
        tasks.runAll();
        assertTrue(vm.items().stream().noneMatch(i -> i.value().equals("computing…")));
        assertTrue(vm.items().stream().anyMatch(i -> i.name().equals("stable rank")));
    }
}
