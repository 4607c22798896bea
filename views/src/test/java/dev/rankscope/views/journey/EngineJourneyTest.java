package dev.rankscope.views.journey;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.DialogPane;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same journey over the real engine: a small Llama-shaped checkpoint written by the engine's
 * synthetic-model generator is opened, analysed with the pure-Java SVD backend and charted; a
 * truncated file then produces one error dialog naming it while the first checkpoint stays.
 */
@ExtendWith(ApplicationExtension.class)
class EngineJourneyTest {
    static final ModelShape MINI = new ModelShape("mini", 2, 32, 64, 4, 2, 64, false);

    WorkbenchViewModel vm;

    @Start
    void start(Stage stage) {
        vm = new WorkbenchViewModel(new EngineWorkbenchServices(Backends.Preference.JAVA, 1),
                new FxDialogService(() -> stage), new InMemorySettingsStore(), WorkbenchExecutors.standard());
        WorkbenchView view = new WorkbenchView(vm);
        view.install(stage);
        stage.show();
    }

    @Test
    void openARealCheckpointSeeItsSpectraThenACorruptFile(FxRobot robot, @TempDir Path dir) throws Exception {
        Path model = dir.resolve("mini-llama");
        SyntheticModel.write(model, SyntheticModel.Parameters.of(MINI, 42));
        robot.interact(() -> vm.open(model));
        int matrices = 2 + 7 * MINI.layers();
        waitUntil(() -> vm.matricesTotalProperty().get() == matrices && vm.matricesDoneProperty().get() == matrices);
        assertTrue(vm.engineDescriptionProperty().get().contains("ojAlgo"), vm.engineDescriptionProperty().get());
        MatrixEntry q = vm.checkpoints().get(0).matrices().stream()
                .filter(e -> e.id().equals("model.layers.1.self_attn.q_proj.weight")).findFirst().orElseThrow();
        robot.interact(() -> vm.select(q));
        waitUntil(() -> {
            XYPlot p = robot.lookup("#scree-chart").queryAs(ChartViewer.class).getChart().getXYPlot();
            return p.getDataset().getSeriesCount() == 1 && p.getDataset().getItemCount(0) == MINI.hidden();
        });
        XYPlot esd = robot.lookup("#esd-chart").queryAs(ChartViewer.class).getChart().getXYPlot();
        assertTrue(esd.getDataset(0).getItemCount(0) > 0);

        Path corrupt = dir.resolve("broken.safetensors");
        Files.write(corrupt, new byte[]{(byte) 0xff, 0x7f, 0, 0, 0, 0, 0, 0, '{', '"'});
        robot.interact(() -> vm.open(corrupt));
        waitUntil(() -> robot.lookup("#error-dialog").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#error-dialog").queryAs(DialogPane.class);
        assertTrue(dialog.getContentText().startsWith("broken.safetensors: "), dialog.getContentText());
        assertEquals(1, vm.checkpoints().size());
        assertEquals(matrices, vm.analyses().size());
    }
}
