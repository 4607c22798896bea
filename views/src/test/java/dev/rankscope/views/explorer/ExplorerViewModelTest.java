package dev.rankscope.views.explorer;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplorerViewModelTest {
    WorkbenchViewModel wb;
    ExplorerViewModel vm;

    @BeforeEach
    void setUp() {
        wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(), new InMemorySettingsStore(),
                WorkbenchExecutors.sameThread());
        vm = new ExplorerViewModel(wb);
        wb.open(Path.of("/m/a.safetensors"));
    }

    @Test
    void listsEveryMatrixWithoutFilter() {
        assertEquals(23, vm.visibleMatrices().size());
    }

    @Test
    void regexFilterIsCaseInsensitiveFind() {
        vm.filterTextProperty().set("LAYERS\\.1\\..*proj");
        assertEquals(7, vm.visibleMatrices().size());
        assertTrue(vm.filterValidProperty().get());
    }

    @Test
    void invalidRegexFallsBackToSubstringAndIsFlagged() {
        vm.filterTextProperty().set("q_proj(");
        assertFalse(vm.filterValidProperty().get());
        assertEquals(0, vm.visibleMatrices().size());
        vm.filterTextProperty().set("(q_proj");
        assertFalse(vm.filterValidProperty().get());
        vm.filterTextProperty().set("q_proj");
        assertTrue(vm.filterValidProperty().get());
        assertEquals(3, vm.visibleMatrices().size());
    }

    @Test
    void moduleFilterCombinesWithName() {
        vm.moduleFilterProperty().set(ModuleType.DOWN);
        assertEquals(3, vm.visibleMatrices().size());
        vm.filterTextProperty().set("layers\\.2");
        assertEquals(List.of("model.layers.2.mlp.down_proj.weight"), vm.visibleMatrices().stream().map(MatrixEntry::id).toList());
    }

    @Test
    void nextAndPreviousWalkTheVisibleOrderAndWrap() {
        vm.moduleFilterProperty().set(ModuleType.Q);
        wb.select(vm.visibleMatrices().get(0));
        vm.selectNext();
        assertEquals(vm.visibleMatrices().get(1), wb.getCurrent());
        vm.selectPrevious();
        vm.selectPrevious();
        assertEquals(vm.visibleMatrices().get(2), wb.getCurrent());
        vm.selectNext();
        assertEquals(vm.visibleMatrices().get(0), wb.getCurrent());
    }
}
