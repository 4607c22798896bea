package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportTask;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.TestAnalyses;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.FakeWorkbenchSelection;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Budget ViewModel over a {@link FakeWorkbenchSelection}: no workbench, no engine, no file.
 * It plans over the analyses the selection holds (and only those), follows the selected
 * checkpoint, re-plans when an analysis arrives or a control changes, and stops planning when the
 * checkpoint closes.
 */
class BudgetOverFakeSelectionTest {
    final FakeDialogService dialogs = new FakeDialogService();
    final FakeWorkbenchSelection selection = new FakeWorkbenchSelection(dialogs, WorkbenchExecutors.sameThread());

    /** Provenance only: this test never reads weights or exports. */
    static final class ProvenanceOnly implements BudgetServices {
        int sources;

        @Override
        public Matrix readMatrix(OpenedCheckpoint checkpoint, MatrixEntry matrix) {
            throw new AssertionError("the plan needs no weights");
        }

        @Override
        public SvdResult svd(Matrix matrix) {
            throw new AssertionError("the plan needs no SVD");
        }

        @Override
        public PlanSource planSource(OpenedCheckpoint checkpoint) {
            sources++;
            return new PlanSource(checkpoint.path().toString(), "fake-header", checkpoint.tensors().size());
        }

        @Override
        public List<Path> checkpointFiles(OpenedCheckpoint checkpoint) {
            return List.of(checkpoint.path());
        }

        @Override
        public String engineDescription() {
            return "fake engine";
        }

        @Override
        public FactorisedExportTask factorisedExport(OpenedCheckpoint checkpoint, Plan plan, Path target,
                                                     FactorisedExportParameters parameters) {
            throw new AssertionError("no export here");
        }
    }

    @Test
    void plansOverTheSelectionsAnalysesAndFollowsIt() {
        ProvenanceOnly services = new ProvenanceOnly();
        BudgetViewModel vm = new BudgetViewModel(selection, services, Debouncer.immediate());
        assertNull(vm.getPlan(), "nothing open");

        CheckpointModel cp = selection.openNow(Path.of("/models/fake.safetensors"));
        List<MatrixEntry> matrices = cp.matrices();
        assertNull(vm.getPlan(), "open but no spectra yet");
        int half = matrices.size() / 2;
        for (MatrixEntry e : matrices.subList(0, half)) {
            selection.analyse(e, TestAnalyses.of(e, FakeWorkbenchServices.sigma(e)));
        }
        Plan partial = vm.getPlan();
        assertNotNull(partial);
        assertEquals(half, partial.matrices().size(), "only matrices with an analysis are planned");
        assertEquals("/models/fake.safetensors", partial.source().path());

        for (MatrixEntry e : matrices.subList(half, matrices.size())) {
            selection.analyse(e, TestAnalyses.of(e, FakeWorkbenchServices.sigma(e)));
        }
        selection.select(matrices.get(1));
        Plan full = vm.getPlan();
        assertEquals(matrices.size(), full.matrices().size());
        assertEquals(1, services.sources, "provenance is read once per checkpoint");

        vm.settings().keptFractionProperty().set(0.3);
        Plan smaller = vm.getPlan();
        assertTrue(smaller.totals().paramsAfter() < full.totals().paramsAfter(),
                smaller.totals().paramsAfter() + " vs " + full.totals().paramsAfter());
        assertTrue(smaller.totals().eligibleParamsAfter() <= 0.3 * smaller.totals().eligibleParamsBefore() + 1e-9,
                "within the 30 % budget of the eligible matrices");

        selection.close(cp);
        assertNull(vm.getPlan(), "closed: no plan");
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }
}
