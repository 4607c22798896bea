package dev.rankscope.views.compare;

import dev.rankscope.views.testing.CountingSvdBackend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Compare tab's ViewModel on the generated samples (tiny-llama + tiny-llama-lora with a planted
 * intruder in layer 1's q_proj), everything on the calling thread, no robot.
 */
class CompareViewModelTest {
    @TempDir
    static Path samplesDir;
    static SampleCheckpoints.Samples samples;

    @TempDir
    Path out;

    final FakeDialogService dialogs = new FakeDialogService();
    final CountingSvdBackend backend = new CountingSvdBackend();

    @BeforeAll
    static void writeSamples() {
        samples = SampleCheckpoints.writeAll(samplesDir);
    }

    WorkbenchViewModel workbench(WorkbenchExecutors executors) {
        return new WorkbenchViewModel(new FakeWorkbenchServices(), dialogs, new InMemorySettingsStore(), executors);
    }

    CompareViewModel compared(WorkbenchViewModel workbench) {
        CompareViewModel vm = new CompareViewModel(workbench, new EngineCompareServices(() -> backend));
        vm.compare(samples.base(), samples.lora());
        return vm;
    }

    private String planted() {
        return samples.adapter().plantedModule() + ".weight";
    }

    private CompareRow row(CompareViewModel vm, String name) {
        return vm.results().rows().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() -> new AssertionError(name));
    }

    @Test
    void findsThePlantedIntruderAtTheDefaults() {
        WorkbenchViewModel workbench = workbench(WorkbenchExecutors.sameThread());
        CompareViewModel vm = compared(workbench);

        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertFalse(vm.runningProperty().get());
        assertEquals(IntruderParameters.DEFAULT, vm.results().getParameters());
        assertEquals(samples.adapter().modules().size(), vm.results().rows().size(), "only the adapted matrices are compared");
        CompareRow hit = row(vm, planted());
        assertEquals(1, hit.layer());
        assertEquals("q", hit.module());
        assertTrue(hit.intruders() >= 1, hit.toString());
        assertTrue(hit.ranks().startsWith("1"), hit.ranks());
        assertTrue(hit.minCosine() < 0.5, hit.toString());
        assertTrue(hit.deltaEffectiveRank() >= 1 && hit.deltaEffectiveRank() <= SampleCheckpoints.LORA_RANK + 1e-9,
                "ΔW = s·B·A has rank ≤ r: " + hit.deltaEffectiveRank());
        // the bar chart's stack for layer 1 / q holds the planted intruder
        LayerIntruderCounts counts = vm.results().layerCountsProperty().get();
        int layer1 = counts.layers().indexOf(1);
        int q = counts.modules().indexOf(ModuleType.Q);
        assertTrue(layer1 >= 0 && q >= 0, counts.toString());
        assertTrue(counts.count(q, layer1) >= 1);
        assertEquals(vm.results().totalIntrudersProperty().get(), counts.total());
        assertEquals(vm.results().getReport().total(vm.results().getParameters()), vm.results().totalIntrudersProperty().get());
        // the heatmap shows the matrix with the most intruders: the planted one
        IntruderMatrixResult shown = vm.results().selectedProperty().get();
        assertEquals(planted(), shown.name().id());
        assertEquals(shown.overlapCols(), vm.results().heatmapColumnsMaxProperty().get());
        assertTrue(vm.results().heatmapColumnsProperty().get() <= shown.overlapCols());
        assertTrue(vm.messageProperty().get().startsWith("Compared " + vm.results().rows().size() + " matrix pairs"), vm.messageProperty().get());
        assertTrue(vm.pairingSummaryProperty().get().contains("changed by the adapter"));
        assertTrue(workbench.tasks().isEmpty(), "the finished comparison leaves the task panel");
    }

    @Test
    void draggingEpsilonAndKRecountsFromCachedCosinesWithoutAnySvd() {
        CompareViewModel vm = compared(workbench(WorkbenchExecutors.sameThread()));
        int svdCalls = backend.calls.get();
        assertTrue(svdCalls >= 3 * vm.results().rows().size(), "two SVDs and ΔW's spectrum per pair: " + svdCalls);
        int atDefault = vm.results().totalIntrudersProperty().get();
        LayerIntruderCounts before = vm.results().layerCountsProperty().get();

        // drag ε up through many values, as a slider does
        for (double e = 0.5; e <= 0.99; e += 0.01) {
            vm.results().epsilonProperty().set(e);
        }
        int high = vm.results().totalIntrudersProperty().get();
        assertTrue(high > atDefault, "ε 0.99 flags more vectors than ε 0.5: " + high + " vs " + atDefault);
        assertNotEquals(before, vm.results().layerCountsProperty().get(), "the bar chart gets new stacks");
        double eps = vm.results().getParameters().epsilon();
        assertEquals(vm.results().epsilonProperty().get(), eps);
        int expected = 0;
        for (IntruderMatrixResult r : vm.results().getReport().matrices()) {
            for (double cj : r.maxCosine(10)) {
                expected += cj < eps ? 1 : 0;
            }
        }
        assertEquals(expected, high, "counts are #{j < k : c_j < ε} from the cached c_j");

        vm.results().epsilonProperty().set(0);
        assertEquals(0, vm.results().totalIntrudersProperty().get(), "ε = 0 flags nothing");
        vm.results().epsilonProperty().set(0.5);
        assertEquals(atDefault, vm.results().totalIntrudersProperty().get());
        vm.results().kProperty().set(1);
        assertEquals(1, row(vm, planted()).intruders(), "the planted intruder is rank 1");
        vm.results().kProperty().set(100);
        assertEquals(100, vm.results().getParameters().k());
        assertTrue(vm.results().totalIntrudersProperty().get() >= row(vm, planted()).intruders());

        assertEquals(svdCalls, backend.calls.get(), "changing k and ε must not decompose anything");
    }

    @Test
    void outOfRangeKnobsAreClampedNotRejected() {
        CompareViewModel vm = compared(workbench(WorkbenchExecutors.sameThread()));
        vm.results().kProperty().set(500);
        assertEquals(IntruderParameters.K_MAX, vm.results().getParameters().k());
        vm.results().epsilonProperty().set(1.7);
        assertEquals(1.0, vm.results().getParameters().epsilon());
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void exportsJsonAndCsvAtTheCurrentParameters() throws Exception {
        CompareViewModel vm = compared(workbench(WorkbenchExecutors.sameThread()));
        vm.results().epsilonProperty().set(0.6);
        Path json = out.resolve("intruders.json");
        Path csv = out.resolve("intruders.csv");
        vm.exports().exportJson(json);
        vm.exports().exportCsv(csv);
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("rankscope-intruders", root.get("format").asText());
        assertEquals(0.6, root.get("epsilon").asDouble(), 1e-12);
        assertEquals(vm.results().totalIntrudersProperty().get(), root.get("total").asInt());
        assertEquals(vm.results().rows().size(), root.get("matrices").size());
        assertEquals(vm.results().rows().size() + 1, Files.readAllLines(csv).size());
        assertTrue(vm.messageProperty().get().startsWith("Wrote CSV"));
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void exportRefusesToOverwriteAnInputWithOneDialogNamingTheFile() throws Exception {
        CompareViewModel vm = compared(workbench(WorkbenchExecutors.sameThread()));
        Path input = samples.base().resolve("model.safetensors");
        byte[] before = Files.readAllBytes(input);
        vm.exports().exportJson(input);
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("model.safetensors"), dialogs.errors.get(0).message());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(input)));
    }

    @Test
    void chartPicturesRefuseBothSidesOfTheComparison() throws Exception {
        CompareViewModel vm = compared(workbench(WorkbenchExecutors.sameThread()));
        org.jfree.data.xy.XYSeries s = new org.jfree.data.xy.XYSeries("σ");
        s.add(1, 2);
        s.add(2, 1);
        dev.rankscope.application.render.Picture picture = dev.rankscope.application.render.Picture.of(
                org.jfree.chart.ChartFactory.createXYLineChart("σ", "i", "σ", new org.jfree.data.xy.XYSeriesCollection(s)));
        Path baseWeights = samples.base().resolve("model.safetensors");
        Path adapterFolder = samples.lora();
        byte[] before = Files.readAllBytes(baseWeights);
        vm.pictureExporter().exportTo(baseWeights, dev.rankscope.views.charts.PictureExporter.Format.PNG,
                new dev.rankscope.application.render.ChartSize(120, 90), picture);
        vm.pictureExporter().exportTo(adapterFolder.resolve("overlap.png"), dev.rankscope.views.charts.PictureExporter.Format.PNG,
                new dev.rankscope.application.render.ChartSize(120, 90), picture);
        assertEquals(2, dialogs.errors.size(), dialogs.errors.toString());
        assertTrue(dialogs.errors.get(0).message().contains("model.safetensors"), dialogs.errors.get(0).message());
        assertTrue(dialogs.errors.get(1).message().contains(String.valueOf(adapterFolder.getFileName())),
                dialogs.errors.get(1).message());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(baseWeights)));
        assertFalse(Files.exists(adapterFolder.resolve("overlap.png")));
    }

    @Test
    void mitigationWritesAMergedCheckpointWithTheIntruderScaled() {
        CompareViewModel vm = compared(workbench(WorkbenchExecutors.sameThread()));
        vm.exports().lambdaProperty().set(0.5);
        Path target = out.resolve("mitigated.safetensors");
        vm.exports().exportMitigated(target);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertTrue(Files.isRegularFile(target));
        assertTrue(vm.messageProperty().get().contains("scaled by λ = 0.5"), vm.messageProperty().get());
        assertFalse(vm.exports().mitigatingProperty().get());
        try (TensorSource written = Checkpoints.open(target)) {
            double[] w = written.readDouble(planted());
            assertNotNull(w);
            assertEquals(samples.adapter().plantedSigma() * 0.5, sigma1(written, planted()),
                    0.2 * samples.adapter().plantedSigma(), "σ₁ of the planted direction is halved");
        }
    }

    private double sigma1(TensorSource source, String name) {
        var info = source.require(name);
        var m = new dev.rankscope.engine.linalg.Matrix((int) info.dim(0), (int) info.dim(1), source.readDouble(name));
        return new dev.rankscope.engine.linalg.OjAlgoBackend().singularValues(m,
                dev.rankscope.engine.linalg.SvdBackend.Tolerance.DEFAULT).sigma()[0];
    }

    @Test
    void cancellingTheMitigationLeavesNoFileBehind() {
        ManualExecutor tasks = new ManualExecutor();
        Executor direct = Runnable::run;
        WorkbenchViewModel workbench = workbench(new WorkbenchExecutors(direct, tasks, direct));
        CompareViewModel vm = new CompareViewModel(workbench, new EngineCompareServices(() -> backend));
        vm.compare(samples.base(), samples.lora());
        tasks.runAll(); // the comparison
        assertFalse(vm.results().rows().isEmpty());
        Path target = out.resolve("cancelled.safetensors");
        vm.exports().exportMitigated(target);
        assertTrue(vm.exports().mitigatingProperty().get());
        assertEquals(1, workbench.tasks().size(), "the export shows in the task panel");
        workbench.tasks().get(0).cancel(); // the panel's Cancel button
        tasks.runAll();
        assertFalse(Files.exists(target));
        assertTrue(workbench.tasks().isEmpty());
        assertTrue(vm.messageProperty().get().startsWith("Cancelled"), vm.messageProperty().get());
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void theComparisonRunsInTheTaskPanelAndCanBeCancelled() {
        ManualExecutor tasks = new ManualExecutor();
        Executor direct = Runnable::run;
        WorkbenchViewModel workbench = workbench(new WorkbenchExecutors(direct, tasks, direct));
        CompareViewModel vm = new CompareViewModel(workbench, new EngineCompareServices(() -> backend));
        vm.compare(samples.base(), samples.lora());
        assertTrue(vm.runningProperty().get());
        assertEquals(1, workbench.tasks().size());
        assertTrue(workbench.tasks().get(0).title().contains("tiny-llama-lora"));
        vm.cancel();
        tasks.runAll();
        assertFalse(vm.runningProperty().get());
        assertTrue(workbench.tasks().isEmpty());
        assertTrue(vm.results().rows().isEmpty());
        assertEquals(0, backend.calls.get(), "cancelled before the first pair: nothing decomposed");
        assertTrue(vm.messageProperty().get().startsWith("Cancelled"));
    }

    @Test
    void aMissingAdapterShowsOneDialogNamingIt() {
        CompareViewModel vm = new CompareViewModel(workbench(WorkbenchExecutors.sameThread()),
                new EngineCompareServices(() -> backend));
        Path bogus = out.resolve("no-such-adapter");
        vm.compare(samples.base(), bogus);
        assertEquals(1, dialogs.errors.size(), dialogs.errors.toString());
        assertTrue(dialogs.errors.get(0).message().contains("no-such-adapter"), dialogs.errors.get(0).message());
        assertFalse(vm.runningProperty().get());
        assertTrue(vm.results().rows().isEmpty());
    }

    @Test
    void aFullFineTuneComparesEveryMatrix() {
        CompareViewModel vm = new CompareViewModel(workbench(WorkbenchExecutors.sameThread()),
                new EngineCompareServices(() -> backend));
        vm.compare(samples.base(), samples.finetuned());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertTrue(vm.results().rows().size() > samples.adapter().modules().size(), "every paired matrix: " + vm.results().rows().size());
        assertTrue(vm.pairingNotes().isEmpty(), vm.pairingNotes().toString());
    }

    @Test
    void droppingAnAdapterFolderComparesItWithTheBase() {
        CompareViewModel vm = new CompareViewModel(workbench(WorkbenchExecutors.sameThread()),
                new EngineCompareServices(() -> backend));
        vm.dropped(java.util.List.of(samples.base()));
        assertEquals(samples.base(), vm.basePathProperty().get());
        assertTrue(vm.results().rows().isEmpty());
        vm.dropped(java.util.List.of(samples.lora()));
        assertEquals(samples.lora(), vm.tunedPathProperty().get());
        assertEquals(samples.adapter().modules().size(), vm.results().rows().size());
    }

    /**
     * The base stays chosen when the workbench opens, closes and reopens checkpoints: opening another
     * keeps it, View ▸ Per-head views (every checkpoint closed and opened again) gives it back, closing
     * its checkpoint lets the first open one stand in until it is open again, and a relative spelling of an
     * open checkpoint is listed once, as that checkpoint.
     */
    @Test
    void theBaseSurvivesReopeningCheckpoints() {
        WorkbenchViewModel workbench = workbench(WorkbenchExecutors.sameThread());
        CompareViewModel vm = new CompareViewModel(workbench, new EngineCompareServices(() -> backend));
        Path a = out.resolve("a").toAbsolutePath().normalize();
        Path b = out.resolve("b").toAbsolutePath().normalize();
        workbench.open(a);
        assertEquals(a, vm.basePathProperty().get(), "the first open checkpoint is the default base");
        workbench.open(b);
        vm.basePathProperty().set(b);
        workbench.open(out.resolve("c"));
        assertEquals(b, vm.basePathProperty().get(), "opening another checkpoint keeps the base");

        workbench.matrixViewsProperty().set(new dev.rankscope.application.workbench.MatrixViews(true,
                dev.rankscope.analysis.layout.ConvMode.RESHAPE));
        assertEquals(3, workbench.checkpoints().size(), "every checkpoint was reopened");
        assertEquals(b, vm.basePathProperty().get(), "the base is back after the reopening");
        assertEquals(java.util.List.of(a, b, out.resolve("c").toAbsolutePath().normalize()), vm.baseChoices());

        workbench.close(workbench.checkpoints().get(1));
        assertEquals(a, vm.basePathProperty().get(), "the first open checkpoint stands in for the closed base");
        assertFalse(vm.baseChoices().contains(b), vm.baseChoices().toString());
        workbench.open(b);
        assertEquals(b, vm.basePathProperty().get(), "the base is back when its checkpoint is");

        Path relative = Path.of("").toAbsolutePath().relativize(a);
        vm.basePathProperty().set(relative);
        assertEquals(a, vm.basePathProperty().get(), "another spelling of an open checkpoint is that checkpoint");
        assertEquals(1, vm.baseChoices().stream().filter(a::equals).count(), vm.baseChoices().toString());

        for (var open : java.util.List.copyOf(workbench.checkpoints())) {
            workbench.close(open);
        }
        assertEquals(null, vm.basePathProperty().get(), "no base while nothing is open");
        assertTrue(vm.baseChoices().isEmpty(), vm.baseChoices().toString());
    }
}
