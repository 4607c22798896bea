package dev.rankscope.views.subspaces;

import dev.rankscope.analysis.subspace.Side;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.subspaces.SubspacesJob;
import dev.rankscope.application.subspaces.SubspacesParameters;
import dev.rankscope.application.subspaces.SubspacesResult;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.ManualExecutor;
import javafx.beans.property.SimpleObjectProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Subspaces tab's ViewModel on a same-thread executor, over a generated checkpoint. */
class SubspacesViewModelTest {
    static final ModelShape MINI = new ModelShape("mini", 3, 32, 64, 4, 2, 64, false);

    @TempDir
    Path dir;

    final FakeDialogService dialogs = new FakeDialogService();
    final ManualExecutor tasks = new ManualExecutor();
    final BackgroundRunner runner = new BackgroundRunner(WorkbenchExecutors.sameThread(), dialogs);

    @Test
    void runFillsTheOverlapMatrixAndAClickSelectsThatPair() throws Exception {
        Path model = dir.resolve("mini");
        SyntheticModel.write(model, SyntheticModel.Parameters.of(MINI, 5));
        List<JobTask<?>> tracked = new ArrayList<>();
        SubspacesViewModel vm = new SubspacesViewModel(new SimpleObjectProperty<>(model), runner, Runnable::run,
                new SubspacesJob()::task, tracked::add);
        vm.moduleProperty().set("q");
        vm.kProperty().set("4");
        vm.groupsProperty().set("adjacent:2");
        vm.run();
        assertEquals(1, tracked.size());
        SubspacesResult r = vm.resultProperty().get();
        assertNotNull(r, vm.statusProperty().get());
        assertEquals(3, r.matrices().size());
        List<String> axis = vm.axis(Side.RIGHT);
        assertEquals(3, axis.size());
        double[] m = vm.overlapMatrix(Side.RIGHT);
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, m[i * 3 + i]);
            for (int j = 0; j < 3; j++) {
                assertEquals(m[i * 3 + j], m[j * 3 + i]);
                assertTrue(m[i * 3 + j] >= 0 && m[i * 3 + j] <= 1);
            }
        }
        vm.sideProperty().set(Side.RIGHT);
        vm.selectCell(2, 0);
        SubspacesResult.Pair p = vm.selectedPairProperty().get();
        assertNotNull(p);
        assertEquals(axis.get(0), p.a());
        assertEquals(axis.get(2), p.b());
        assertEquals(4, p.cosines().length);
        assertEquals(m[2 * 3], p.overlap(), 1e-15);
        vm.selectCell(1, 1);
        assertNull(vm.selectedPairProperty().get());
        assertEquals(1, r.groups().size());
        assertTrue(vm.json().contains("\"rankscope-subspaces\""));
        assertEquals(1 + r.pairs().size(), vm.pairsCsv().split("\n").length);
    }

    @Test
    void badFormValuesBecomeTheStatusSentence() {
        SubspacesViewModel vm = new SubspacesViewModel(new SimpleObjectProperty<>(dir.resolve("x")), runner, Runnable::run,
                p -> { throw new AssertionError("no job for bad input"); }, t -> { });
        vm.kProperty().set("lots");
        vm.run();
        assertEquals("k must be a whole number or empty (chosen by energy), not 'lots'", vm.statusProperty().get());
        SubspacesViewModel none = new SubspacesViewModel(new SimpleObjectProperty<>(), runner, Runnable::run,
                p -> { throw new AssertionError(); }, t -> { });
        none.run();
        assertEquals("open a checkpoint first", none.statusProperty().get());
    }

    @Test
    void aFailedJobShowsItsSentenceNotAStackTrace(@TempDir Path empty) {
        SubspacesViewModel vm = new SubspacesViewModel(new SimpleObjectProperty<>(empty.resolve("missing.safetensors")),
                runner, Runnable::run, (SubspacesParameters p) -> new SubspacesJob().task(p), t -> { });
        vm.run();
        assertNull(vm.resultProperty().get());
        String status = vm.statusProperty().get();
        assertTrue(status.contains("missing.safetensors"), status);
        assertTrue(!status.contains("Exception"), status);
    }

    @Test
    void cancelStopsTheRunAndItsOutcomeNeverArrives() throws Exception {
        Path model = dir.resolve("mini");
        SyntheticModel.write(model, SyntheticModel.Parameters.of(MINI, 5));
        BackgroundRunner queued = new BackgroundRunner(new WorkbenchExecutors(Runnable::run, tasks, Runnable::run), dialogs);
        List<JobTask<?>> tracked = new ArrayList<>();
        SubspacesViewModel vm = new SubspacesViewModel(new SimpleObjectProperty<>(model), queued, Runnable::run,
                new SubspacesJob()::task, tracked::add);
        vm.moduleProperty().set("q");
        vm.kProperty().set("4");
        vm.run();
        assertTrue(vm.runningProperty().get());
        assertEquals(1, tasks.size(), "the job waits on the task executor");
        vm.cancel();
        assertFalse(vm.runningProperty().get());
        assertEquals("Cancelled.", vm.statusProperty().get());
        assertTrue(tracked.get(0).isCancelled());
        tasks.runAll();
        assertNull(vm.resultProperty().get(), "a cancelled run shows no result");
        assertEquals("Cancelled.", vm.statusProperty().get());
    }

    @Test
    void anExportOntoTheComparedCheckpointIsRefusedInOneDialog() throws Exception {
        Path model = dir.resolve("mini");
        SyntheticModel.write(model, SyntheticModel.Parameters.of(MINI, 5));
        SubspacesViewModel vm = new SubspacesViewModel(new SimpleObjectProperty<>(model), runner, Runnable::run,
                new SubspacesJob()::task, t -> { });
        vm.moduleProperty().set("q");
        vm.kProperty().set("4");
        vm.run();
        assertNotNull(vm.resultProperty().get(), vm.statusProperty().get());
        Path json = dir.resolve("out.json");
        vm.export(json, vm.json());
        assertTrue(java.nio.file.Files.readString(json).contains("\"rankscope-subspaces\""));
        assertTrue(dialogs.errors.isEmpty());

        Path file = model.resolve("model.safetensors");
        byte[] before = java.nio.file.Files.readAllBytes(file);
        vm.export(file, vm.json());
        assertEquals(1, dialogs.errors.size());
        assertEquals("Export failed", dialogs.errors.get(0).title());
        assertTrue(dialogs.errors.get(0).message().contains("model.safetensors"), dialogs.errors.get(0).message());
        assertTrue(!dialogs.errors.get(0).message().contains("Exception"), dialogs.errors.get(0).message());
        assertArrayEquals(before, java.nio.file.Files.readAllBytes(file), "the checkpoint is untouched");
    }
}
