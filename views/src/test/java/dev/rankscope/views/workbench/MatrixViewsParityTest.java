package dev.rankscope.views.workbench;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.analyze.AnalyzeParameters;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.MatrixViews;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * View ▸ Per-Head Attention Views and Pool Conv Kernels (issue 19, item 7): the workbench lists and analyses
 * exactly what {@code analyze --per-head --conv pooled} does (the same {@code MatrixListing}, the same job
 * pipeline): same matrix ids in the same order and the same singular values; toggling reopens the open
 * checkpoints and keeps the selected matrix.
 */
class MatrixViewsParityTest {

    private static Path convNet(Path dir) {
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("features.0.conv.weight", DType.F32, new long[] {16, 8, 3, 3}, s -> {
            for (int i = 0; i < 16 * 8 * 9; i++) {
                s.put((float) Math.sin(0.37 * i + Math.cos(i)));
            }
        });
        w.add("classifier.weight", DType.F32, new long[] {10, 16}, s -> {
            for (int i = 0; i < 160; i++) {
                s.put((float) Math.cos(0.11 * i * i));
            }
        });
        Path file = dir.resolve("cnn.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    /** What the CLI's job analyses for {@code checkpoint} with {@code --per-head --conv pooled}: id → σ. */
    private static Map<String, double[]> cli(Path checkpoint) {
        AnalyzeParameters p = new AnalyzeParameters(checkpoint, null, true, ConvMode.POOLED, Precision.F64,
                Backends.Preference.JAVA, 1, false, null, null, null, AnalysisParameters.MpMode.FIT,
                AnalysisParameters.DEFAULT_MIN_EVALS);
        var job = new AnalyzeJob(new AnalyzeJob.Environment(pref -> new OjAlgoBackend(), null, null, Clock.systemUTC()));
        Map<String, double[]> out = new LinkedHashMap<>();
        for (MatrixAnalysis a : job.task(p).runHere().analysis().matrices()) {
            out.put(a.name().id(), a.spectrum().sigma());
        }
        return out;
    }

    /** What the workbench shows for {@code model}: id → σ, in explorer order. */
    private static Map<String, double[]> workbench(WorkbenchViewModel vm, CheckpointModel model) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (MatrixEntry e : model.matrices()) {
            MatrixAnalysis a = vm.analysis(e);
            out.put(e.id(), a == null ? null : a.spectrum().sigma());
        }
        return out;
    }

    @Test
    void perHeadAndPooledConvListAndAnalyseAsTheCliDoes(@TempDir Path dir) {
        SampleCheckpoints.Samples samples = SampleCheckpoints.writeAll(dir.resolve("samples"));
        Path cnn = convNet(dir);
        WorkbenchViewModel vm = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1),
                new FakeDialogService(), new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        vm.open(samples.base());
        vm.open(cnn);
        assertEquals(2, vm.checkpoints().size());
        assertTrue(vm.checkpoints().get(0).matrices().stream().noneMatch(e -> e.id().contains("#head")));
        MatrixEntry selected = vm.checkpoints().get(0).matrices().get(3);
        vm.select(selected);

        vm.matrixViewsProperty().set(new MatrixViews(true, ConvMode.POOLED));

        assertEquals(2, vm.checkpoints().size(), "both checkpoints reopened");
        assertEquals(selected.id(), vm.getCurrent().id(), "the selected matrix stays selected");
        for (CheckpointModel model : vm.checkpoints()) {
            Map<String, double[]> expected = cli(model.opened().path());
            Map<String, double[]> shown = workbench(vm, model);
            assertEquals(List.copyOf(expected.keySet()), List.copyOf(shown.keySet()), model.displayName());
            for (Map.Entry<String, double[]> e : expected.entrySet()) {
                assertArrayEquals(e.getValue(), shown.get(e.getKey()), 1e-12, e.getKey());
            }
        }
        assertTrue(vm.checkpoints().get(0).matrices().stream().anyMatch(e -> e.id().endsWith("q_proj.weight#head0")));
        MatrixEntry conv = vm.checkpoints().get(1).matrices().stream()
                .filter(e -> e.id().equals("features.0.conv.weight")).findFirst().orElseThrow();
        assertTrue(conv.ref().isPooled());
        assertEquals(9 * 8, vm.analysis(conv).spectrum().sigma().length, "kh·kw pooled slices of min(16, 8) values");

        vm.matrixViewsProperty().set(MatrixViews.DEFAULT);
        assertTrue(vm.checkpoints().stream().flatMap(c -> c.matrices().stream())
                .noneMatch(e -> e.id().contains("#head") || e.ref().isPooled()), "back to analyze's defaults");
    }

    /**
     * A quick user: View ▸ Per-head views while a checkpoint's header is still being read, and back
     * again while that checkpoint is being reopened. Reopening only reopens listed checkpoints, so
     * the read in flight listed the checkpoint under the views of its start, not the chosen ones.
     */
    @Test
    void viewsChangedWhileACheckpointOpensListItUnderTheChosenViews(@TempDir Path dir) {
        Path base = SampleCheckpoints.writeAll(dir.resolve("samples")).base();
        ManualExecutor work = new ManualExecutor();
        WorkbenchViewModel vm = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1),
                new FakeDialogService(), new InMemorySettingsStore(), new WorkbenchExecutors(work, Runnable::run, Runnable::run));
        vm.open(base);                                                 // the header is read on the work executor
        vm.matrixViewsProperty().set(MatrixViews.DEFAULT.withPerHead(true));
        work.runAll();
        assertEquals(1, vm.checkpoints().size());
        assertTrue(vm.checkpoints().get(0).matrices().stream().anyMatch(e -> e.id().endsWith("q_proj.weight#head0")),
                "listed per head, as the View menu says");

        vm.matrixViewsProperty().set(MatrixViews.DEFAULT);           // reopened: its header is read again
        vm.matrixViewsProperty().set(MatrixViews.DEFAULT.withPerHead(true));
        work.runAll();
        assertEquals(1, vm.checkpoints().size());
        assertTrue(vm.checkpoints().get(0).matrices().stream().anyMatch(e -> e.id().endsWith("q_proj.weight#head0")),
                "listed per head again, as the View menu says");
    }

    @Test
    void theServicesAreAskedForTheChosenViews() {
        FakeWorkbenchServices services = new FakeWorkbenchServices();
        WorkbenchViewModel vm = new WorkbenchViewModel(services, new FakeDialogService(), new InMemorySettingsStore(),
                WorkbenchExecutors.sameThread());
        vm.open(Path.of("/m/a.safetensors"));
        vm.matrixViewsProperty().set(MatrixViews.DEFAULT.withPerHead(true));
        assertEquals(List.of(MatrixViews.DEFAULT, new MatrixViews(true, ConvMode.RESHAPE)), services.openedWith);
        assertEquals(1, vm.checkpoints().size());
    }
}
