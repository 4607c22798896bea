package dev.rankscope.views.workbench;

import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkbenchViewModelTest {
    final FakeWorkbenchServices services = new FakeWorkbenchServices();
    final FakeDialogService dialogs = new FakeDialogService();
    final InMemorySettingsStore settings = new InMemorySettingsStore();

    WorkbenchViewModel vm(WorkbenchExecutors ex) {
        return new WorkbenchViewModel(services, dialogs, settings, ex);
    }

    @Test
    void openingListsMatricesStreamsAnalysesAndSelectsTheFirst() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/models/tiny.safetensors"));
        assertEquals(1, vm.checkpoints().size());
        CheckpointModel cp = vm.checkpoints().get(0);
        int n = 2 + 7 * services.layers;
        assertEquals(n, cp.matrices().size());
        assertEquals(n, vm.analyses().size());
        assertEquals(n, vm.matricesDoneProperty().get());
        assertEquals(n, vm.matricesTotalProperty().get());
        assertEquals("analysed", cp.getState());
        assertEquals(cp.matrices().get(0), vm.getCurrent());
        assertTrue(vm.tasks().isEmpty(), "finished tasks leave the panel");
        assertEquals("fake engine", vm.engineDescriptionProperty().get().replace("pure Java ", "").replace(", 1 threads", ""));
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void theTreeAppearsBeforeAnySpectrumIsComputed() {
        ManualExecutor tasks = new ManualExecutor();
        WorkbenchViewModel vm = vm(new WorkbenchExecutors(Runnable::run, tasks, Runnable::run));
        vm.open(Path.of("/models/tiny.safetensors"));
        assertEquals(1, vm.checkpoints().size());
        assertEquals(0, vm.analyses().size());
        assertEquals(1, vm.tasks().size());
        assertEquals("analysing", vm.checkpoints().get(0).getState());
        tasks.runAll();
        assertEquals(vm.matricesTotalProperty().get(), vm.analyses().size());
    }

    @Test
    void aCorruptFileShowsOneDialogNamingItAndLeavesOtherCheckpointsAlone() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/models/good.safetensors"));
        int analysed = vm.analyses().size();
        vm.open(Path.of("/models/corrupt.safetensors"));
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().startsWith("corrupt.safetensors: "), dialogs.errors.get(0).message());
        assertTrue(dialogs.errors.get(0).title().contains("corrupt.safetensors"));
        assertEquals(1, vm.checkpoints().size());
        assertEquals(analysed, vm.analyses().size());
        assertFalse(vm.recentFiles().contains(Path.of("/models/corrupt.safetensors")));
    }

    @Test
    void openingTheSamePathTwiceKeepsOneCopy() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/models/a.safetensors"));
        vm.open(Path.of("/models/../models/a.safetensors"));
        assertEquals(1, vm.checkpoints().size());
        assertEquals(1, services.opened.size());
    }

    @Test
    void recentFilesAreMostRecentFirstAndPersisted() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/m/a.safetensors"));
        vm.open(Path.of("/m/b.safetensors"));
        assertEquals(List.of(Path.of("/m/b.safetensors"), Path.of("/m/a.safetensors")), vm.recentFiles());
        assertEquals(vm.recentFiles(), settings.recentFiles());
        WorkbenchViewModel again = vm(WorkbenchExecutors.sameThread());
        assertEquals(List.of(Path.of("/m/b.safetensors"), Path.of("/m/a.safetensors")), again.recentFiles());
    }

    @Test
    void themeIsPersisted() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.themeProperty().set(Theme.DARK);
        assertEquals(Theme.DARK, settings.theme());
        assertEquals(Theme.DARK, vm(WorkbenchExecutors.sameThread()).themeProperty().get());
    }

    @Test
    void cancellingMidwayKeepsWhatArrivedAndMarksTheCheckpoint() {
        WorkbenchViewModel[] holder = new WorkbenchViewModel[1];
        services.beforeMatrix = i -> {
            if (i == 5) {
                holder[0].tasks().get(0).cancel();
            }
        };
        holder[0] = vm(WorkbenchExecutors.sameThread());
        WorkbenchViewModel vm = holder[0];
        vm.open(Path.of("/m/a.safetensors"));
        assertEquals(5, vm.analyses().size());
        assertEquals("cancelled", vm.checkpoints().get(0).getState());
        assertEquals(AbstractTask.Status.CANCELLED, services.tasks.get(0).status());
        assertTrue(vm.tasks().isEmpty());
        assertTrue(dialogs.errors.isEmpty(), "cancelling is not an error");
    }

    @Test
    void failedMatricesAreSummarisedInOneDialog() {
        services.failing = Set.of("model.layers.0.self_attn.q_proj.weight", "model.layers.1.mlp.up_proj.weight");
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/m/a.safetensors"));
        assertEquals(vm.matricesTotalProperty().get() - 2, vm.analyses().size());
        assertEquals(2, vm.checkpoints().get(0).getFailed());
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("2 of"), dialogs.errors.get(0).message());
        assertTrue(dialogs.errors.get(0).message().contains("weights contain NaN"));
    }

    @Test
    void closingForgetsResultsAndSelection() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/m/a.safetensors"));
        vm.open(Path.of("/m/b.safetensors"));
        CheckpointModel a = vm.checkpoints().get(0);
        vm.select(a.matrices().get(3));
        vm.close(a);
        assertEquals(1, vm.checkpoints().size());
        assertNull(vm.getCurrent());
        assertTrue(vm.analyses().keySet().stream().noneMatch(e -> e.checkpoint().equals(a.opened().path())));
        assertEquals(vm.analyses().size(), vm.matricesDoneProperty().get());
        assertEquals(vm.analyses().size(), vm.matricesTotalProperty().get());
    }

    @Test
    void multiSelectionKeepsOrderAndPrimary() {
        WorkbenchViewModel vm = vm(WorkbenchExecutors.sameThread());
        vm.open(Path.of("/m/a.safetensors"));
        List<MatrixEntry> m = vm.checkpoints().get(0).matrices();
        vm.select(List.of(m.get(2), m.get(4), m.get(2)), m.get(2));
        assertEquals(List.of(m.get(2), m.get(4)), vm.selection());
        assertEquals(m.get(2), vm.getCurrent());
        vm.select(List.of(m.get(1), m.get(6)), null);
        assertEquals(m.get(6), vm.getCurrent());
    }
}
