package dev.rankscope.views.spectrum;

import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectrumViewModelTest {

    @Test
    void followsTheSelectionWithSameThreadExecutors() {
        WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(),
                new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        SpectrumViewModel vm = new SpectrumViewModel(wb);
        assertTrue(vm.getData().isEmpty());
        wb.open(Path.of("/m/a.safetensors"));
        List<MatrixEntry> m = wb.checkpoints().get(0).matrices();
        assertEquals(1, vm.getData().seriesCount(), "the first matrix is selected on open");
        wb.select(List.of(m.get(1), m.get(2)), m.get(2));
        assertEquals(2, vm.getData().seriesCount());
        assertEquals(m.get(1).fullRank(), vm.getData().scree().getItemCount(0));
        assertEquals("L0 k", vm.getData().primaryLabel());
        assertEquals("", vm.placeholderProperty().get());
        wb.select(null);
        assertTrue(vm.getData().isEmpty());
        assertTrue(vm.placeholderProperty().get().startsWith("Select"));
    }

    @Test
    void onlyTheLatestRequestIsApplied() {
        ManualExecutor work = new ManualExecutor();
        WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(),
                new InMemorySettingsStore(), new WorkbenchExecutors(work, Runnable::run, Runnable::run));
        work.runAll(); // engine description
        wb.open(Path.of("/m/a.safetensors"));
        work.runAll(); // the header
        SpectrumViewModel vm = new SpectrumViewModel(wb);
        List<MatrixEntry> m = wb.checkpoints().get(0).matrices();
        wb.select(List.of(m.get(1), m.get(2), m.get(3)), null);
        wb.select(List.of(m.get(4)), null);
        Runnable older = work.queue.pollFirst();
        while (work.size() > 1) {
            work.queue.pollFirst();
        }
        Runnable latest = work.queue.pollFirst();
        latest.run();
        assertEquals(1, vm.getData().seriesCount());
        older.run();
        assertEquals(1, vm.getData().seriesCount(), "a superseded result never replaces a newer one");
    }
}
