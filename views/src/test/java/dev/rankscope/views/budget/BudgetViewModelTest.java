package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.allocation.WeLoreParameters;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.ManualExecutor;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BudgetViewModel on a real generated checkpoint (SampleCheckpoints' tiny Llama, pure-Java SVD),
 * all executors on the calling thread (no robot): live re-planning, parameter forms, scope,
 * comparison, reconstruction preview, every export, import, and latest-wins with a held executor.
 */
class BudgetViewModelTest {
    @TempDir
    static Path samples;
    @TempDir
    Path out;

    static Path model;

    final FakeDialogService dialogs = new FakeDialogService();

    @BeforeAll
    static void writeSample() {
        model = SampleCheckpoints.writeAll(samples).base();
    }

    private WorkbenchViewModel workbench(WorkbenchExecutors ex) {
        WorkbenchViewModel wb = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1), dialogs,
                new InMemorySettingsStore(), ex);
        wb.open(model);
        return wb;
    }

    private BudgetViewModel vm(WorkbenchViewModel wb) {
        return new BudgetViewModel(wb, new EngineBudgetServices(OjAlgoBackend::new), Debouncer.immediate());
    }

    private static List<AllocationInput> inputs(WorkbenchViewModel wb) {
        return wb.checkpoints().get(0).matrices().stream().map(e -> AllocationInput.from(wb.analysis(e))).toList();
    }

    @Test
    void plansFromTheWorkbenchSpectraAndMovesWithTheSlider() {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        BudgetViewModel vm = vm(wb);
        Plan half = vm.getPlan();
        assertNotNull(half, vm.messageProperty().get());
        assertEquals(wb.checkpoints().get(0).matrices().size(), half.matrices().size());
        assertEquals(half.matrices(), vm.rows());
        assertTrue(half.totals().eligibleParamsAfter() <= half.totals().budgetParams());
        assertFalse(half.source().headerSha256().isEmpty(), "provenance carries the header hash");
        Plan library = Allocator.plan(inputs(wb), Budget.keptFraction(0.5), vm.settings().scope(), vm.settings().constraints(),
                StrategyRegistry.standard().defaults(StrategyRegistry.standard().names().get(0)));
        assertEquals(library.totals(), half.totals(), "same numbers as the library on the same spectra");

        vm.settings().keptFractionProperty().set(0.25);
        Plan quarter = vm.getPlan();
        assertTrue(quarter.totals().paramsAfter() < half.totals().paramsAfter());
        assertTrue(quarter.totals().relativeError() > half.totals().relativeError());

        vm.settings().budgetKindProperty().set(Budget.Kind.BYTES);
        vm.settings().byteDTypeProperty().set(dev.rankscope.engine.tensor.DType.F32);
        vm.settings().bytesAmountProperty().set(4L * 100_000);
        assertTrue(vm.getPlan().totals().eligibleParamsAfter() <= 100_000);
        assertEquals(vm.getPlan().totals().paramsAfter() * 4, vm.getPlan().totals().bytesAfter());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void strategyFormScopeAndConstraintsReplan() {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        BudgetViewModel vm = vm(wb);
        vm.settings().strategyNameProperty().set(WeLoreParameters.NAME);
        assertEquals(WeLoreParameters.defaults(), vm.settings().strategyProperty().get());
        assertEquals(WeLoreParameters.NAME, vm.getPlan().strategyName());
        assertTrue(vm.setStrategyField("lrcDropShare", "0.3"));
        assertEquals(new WeLoreParameters(0.3), vm.getPlan().strategy());
        assertFalse(vm.setStrategyField("lrcDropShare", "1.5"), "the record rejects it");
        assertTrue(vm.messageProperty().get().contains("LRC drop share"), vm.messageProperty().get());
        assertEquals(new WeLoreParameters(0.3), vm.settings().strategyProperty().get());

        vm.settings().strategyNameProperty().set(GlobalOptimalParameters.NAME);
        assertTrue(vm.setStrategyField("objective", GlobalOptimalParameters.Objective.RAW_ENERGY));
        assertEquals(GlobalOptimalParameters.Objective.RAW_ENERGY,
                ((GlobalOptimalParameters) vm.getPlan().strategy()).objective());

        vm.settings().moduleTypeProperty(ModuleType.LM_HEAD).set(true);
        assertTrue(vm.getPlan().matrix("lm_head.weight").orElseThrow().eligible());
        vm.settings().firstLayerProperty().set(1);
        vm.settings().lastLayerProperty().set(2);
        for (PlannedMatrix m : vm.getPlan().matrices()) {
            if (m.layer() == 0 || m.layer() == 3) {
                assertFalse(m.eligible(), m.id());
            }
        }
        vm.settings().rankMultipleProperty().set(8);
        vm.getPlan().factorised().forEach(m -> assertEquals(0, m.rank() % 8, m.id()));

        vm.settings().minRankProperty().set(100_000);
        assertTrue(vm.messageProperty().get().contains("rank constraints need at least")
                || vm.messageProperty().get().contains("min rank"), vm.messageProperty().get());
        assertTrue(dialogs.errors.isEmpty(), "invalid inputs stay inline");
    }

    @Test
    void comparesStrategiesAtTheSameBudget() {
        BudgetViewModel vm = vm(workbench(WorkbenchExecutors.sameThread()));
        vm.settings().compareStrategies().setAll("uniform-params", "global-optimal");
        var cmp = vm.comparisonProperty().get();
        assertNotNull(cmp);
        assertEquals(2, cmp.entries().size());
        assertTrue(cmp.entries().get(1).normalisedDiscardedEnergy() <= cmp.entries().get(0).normalisedDiscardedEnergy() + 1e-12);
        assertFalse(cmp.entries().get(0).layers().isEmpty());
        vm.settings().compareStrategies().clear();
        assertNull(vm.comparisonProperty().get());
    }

    @Test
    void reconstructionPreviewUsesTheFullSvd() {
        BudgetViewModel vm = vm(workbench(WorkbenchExecutors.sameThread()));
        PlannedMatrix m = vm.getPlan().factorised().get(0);
        vm.preview().previewMatrixProperty().set(m);
        ReconstructionPreview p = vm.preview().previewProperty().get();
        assertNotNull(p, vm.preview().previewMessageProperty().get());
        assertEquals(m.rank(), p.rank());
        assertEquals(m.relativeError(), p.measuredError(), 1e-9, "full SVD agrees with the workbench spectrum");
        double[] o = p.original();
        double[] a = p.approximation();
        double[] r = p.residual();
        for (int i = 0; i < o.length; i++) {
            assertEquals(o[i], a[i] + r[i], 1e-12);
        }
        vm.settings().keptFractionProperty().set(0.9);
        PlannedMatrix again = vm.getPlan().matrix(m.id()).orElseThrow();
        assertEquals(again.rank(), vm.preview().previewProperty().get().rank(), "preview follows the new rank");
    }

    @Test
    void exportsEveryFormatAndReimportsThePlan() throws Exception {
        BudgetViewModel vm = vm(workbench(WorkbenchExecutors.sameThread()));
        vm.settings().keptFractionProperty().set(0.4);
        Plan shown = vm.getPlan();
        Path json = out.resolve("plan.json");
        vm.exports().export(BudgetExportViewModel.ExportFormat.JSON, json);
        vm.exports().export(BudgetExportViewModel.ExportFormat.CSV, out.resolve("plan.csv"));
        vm.exports().export(BudgetExportViewModel.ExportFormat.PEFT, out.resolve("adapter_config.json"));
        Path factorised = out.resolve("f.safetensors");
        vm.exports().export(BudgetExportViewModel.ExportFormat.FACTORISED, factorised);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertTrue(Files.exists(factorised));
        assertTrue(vm.exports().exportReportProperty().get().contains("verified"), vm.exports().exportReportProperty().get());
        assertEquals(shown.matrices().size() + 1, Files.readAllLines(out.resolve("plan.csv")).size());
        assertTrue(Files.readString(out.resolve("adapter_config.json")).contains("rank_pattern"));

        Plan read = PlanJson.read(json);
        assertEquals(shown.totals(), read.totals());
        vm.settings().keptFractionProperty().set(0.8);
        assertNotEquals(shown.totals(), vm.getPlan().totals());
        vm.exports().importPlan(json);
        assertEquals(json, vm.importedFromProperty().get());
        assertEquals(0.4, vm.settings().keptFractionProperty().get(), 0);
        assertEquals(shown.totals(), vm.getPlan().totals());
        vm.settings().keptFractionProperty().set(0.5);
        assertNull(vm.importedFromProperty().get(), "a control change re-plans live again");
    }

    @Test
    void aCancelledFactorisedExportWritesNothingAndSaysSo() {
        ManualExecutor tasks = new ManualExecutor();
        WorkbenchViewModel wb = workbench(new WorkbenchExecutors(Runnable::run, tasks, Runnable::run));
        tasks.runAll(); // the workbench's analysis
        BudgetViewModel vm = vm(wb);
        assertNotNull(vm.getPlan());
        Path factorised = out.resolve("cancelled.safetensors");
        vm.exports().export(BudgetExportViewModel.ExportFormat.FACTORISED, factorised);
        assertNotNull(vm.exports().exportTaskProperty().get(), "the export waits on the task executor");
        vm.exports().cancelExport();
        tasks.runAll();
        assertNull(vm.exports().exportTaskProperty().get());
        assertEquals("Export of cancelled.safetensors cancelled; no file written", vm.exports().exportReportProperty().get());
        assertFalse(Files.exists(factorised));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    /** A strategy only this test registers: every matrix at its cheapest level, steps by ladder index. */
    record CheapestParameters(double share) implements dev.rankscope.analysis.allocation.StrategyParameters {
        static final dev.rankscope.analysis.allocation.StrategyDescription DESCRIPTION =
                dev.rankscope.analysis.allocation.StrategyDescription.of("cheapest", "test strategy", CheapestParameters.class,
                        dev.rankscope.analysis.allocation.StrategyParameter.real("share", "share", 0.5,
                                dev.rankscope.analysis.allocation.StrategyParameter.Range.halfOpen(0, 1), ""));

        @Override
        public dev.rankscope.analysis.allocation.StrategyDescription description() {
            return DESCRIPTION;
        }

        @Override
        public dev.rankscope.analysis.allocation.StrategyOutcome allocate(
                dev.rankscope.analysis.allocation.RankLadder[] ladders, long budgetParams) {
            return new dev.rankscope.analysis.allocation.StrategyOutcome(new int[ladders.length], (l, i) -> -l, List.of());
        }
    }

    @Test
    void importLooksTheStrategyUpInTheRegistryInUse() throws Exception {
        dev.rankscope.analysis.allocation.StrategyRegistry registry =
                dev.rankscope.analysis.allocation.StrategyRegistry.standard().with(CheapestParameters.DESCRIPTION);
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        BudgetViewModel vm = new BudgetViewModel(wb, new EngineBudgetServices(OjAlgoBackend::new), Debouncer.immediate(),
                registry);
        vm.settings().strategyNameProperty().set("cheapest");
        vm.settings().strategyProperty().set(new CheapestParameters(0.25));
        Plan shown = vm.getPlan();
        assertEquals(new CheapestParameters(0.25), shown.strategy());
        Path json = out.resolve("cheapest.json");
        vm.exports().export(BudgetExportViewModel.ExportFormat.JSON, json);
        vm.settings().strategyNameProperty().set(registry.names().get(0));
        assertNotEquals("cheapest", vm.getPlan().strategy().strategyName());

        vm.exports().importPlan(json);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertEquals(json, vm.importedFromProperty().get());
        assertEquals(new CheapestParameters(0.25), vm.getPlan().strategy(), "the registered strategy and its parameter");
        assertEquals("cheapest", vm.settings().strategyNameProperty().get());
        assertEquals(shown.totals(), vm.getPlan().totals());

        BudgetViewModel standard = vm(wb);
        standard.exports().importPlan(json);
        assertEquals(1, dialogs.errors.size(), "the standard registry does not know it");
        assertTrue(dialogs.errors.get(0).message().contains("cheapest"), dialogs.errors.get(0).message());
    }

    @Test
    void exportErrorsGoThroughTheDialogService() throws Exception {
        BudgetViewModel vm = vm(workbench(WorkbenchExecutors.sameThread()));
        vm.exports().export(BudgetExportViewModel.ExportFormat.JSON, model.resolve("model.safetensors"));
        assertEquals(1, dialogs.errors.size(), "refuses to overwrite the checkpoint");
        Path bad = out.resolve("bad.json");
        Files.writeString(bad, "{\"format\": \"rankscope-plan\", \"version\": 99}");
        vm.exports().importPlan(bad);
        assertEquals(2, dialogs.errors.size());
        assertTrue(dialogs.errors.get(1).message().contains("bad.json"), dialogs.errors.get(1).message());
    }

    @Test
    void onlyTheLatestRequestIsApplied() {
        ManualExecutor work = new ManualExecutor();
        WorkbenchViewModel wb = workbench(new WorkbenchExecutors(work, Runnable::run, Runnable::run));
        work.runAll();
        BudgetViewModel vm = vm(wb);
        work.runAll();
        assertNotNull(vm.getPlan());
        vm.settings().keptFractionProperty().set(0.2);
        vm.settings().keptFractionProperty().set(0.7);
        assertTrue(vm.busyProperty().get());
        work.runAll();
        assertEquals(0.7, vm.getPlan().budget().keptFraction(), 0);
        assertFalse(vm.busyProperty().get());
    }
}
