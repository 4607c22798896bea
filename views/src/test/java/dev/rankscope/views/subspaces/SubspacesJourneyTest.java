package dev.rankscope.views.subspaces;

import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.testing.Journeys;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.TableView;
import javafx.scene.image.ImageView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user opens a checkpoint, runs the Subspaces tab and clicks a heatmap cell. */
@ExtendWith(ApplicationExtension.class)
class SubspacesJourneyTest {
    WorkbenchViewModel vm;
    WorkbenchView view;
    SubspacesView subspaces;

    @Start
    void start(Stage stage) {
        vm = Journeys.workbench(new FxDialogService(() -> stage));
        view = new WorkbenchView(vm);
        subspaces = SubspacesView.install(view, vm);
        view.install(stage);
        stage.show();
    }

    @Test
    void compareLayersThenClickACell(FxRobot robot, @TempDir Path dir) throws Exception {
        Path model = dir.resolve("mini");
        SyntheticModel.write(model, SyntheticModel.Parameters.of(SubspacesViewModelTest.MINI, 9));
        robot.interact(() -> vm.open(model));
        waitUntil(() -> !vm.checkpoints().isEmpty());
        robot.interact(() -> view.tabs().getSelectionModel().select(view.tabs().getTabs().stream()
                .filter(t -> t.getText().equals("Subspaces")).findFirst().orElseThrow()));
        robot.interact(() -> {
            subspaces.viewModel().moduleProperty().set("k");
            subspaces.viewModel().groupsProperty().set("adjacent:2");
        });
        robot.clickOn("#subspaces-run");
        waitUntil(() -> subspaces.viewModel().resultProperty().get() != null);
        ImageView heatmap = robot.lookup("#subspaces-heatmap").queryAs(ImageView.class);
        waitUntil(() -> heatmap.getImage() != null);
        TableView<?> groups = robot.lookup("#subspaces-groups").queryAs(TableView.class);
        assertEquals(1, groups.getItems().size());
        // click the cell in the last row, first column
        var bounds = heatmap.localToScreen(heatmap.getBoundsInLocal());
        robot.clickOn(bounds.getMinX() + 3, bounds.getMaxY() - 3);
        waitUntil(() -> subspaces.viewModel().selectedPairProperty().get() != null);
        var pair = subspaces.viewModel().selectedPairProperty().get();
        assertNotNull(pair);
        assertTrue(pair.a().contains("layers.0.") && pair.b().contains("layers.2."), pair.a() + " " + pair.b());
        // choosing the group shows its stacked spectrum: the error falls from 1 at k = 0 to 0 at full rank
        robot.interact(() -> groups.getSelectionModel().select(0));
        var viewer = robot.lookup("#subspaces-group-spectrum").queryAs(org.jfree.chart.fx.ChartViewer.class);
        assertNotNull(viewer);
        var chart = viewer.getChart();
        var data = chart.getXYPlot().getDataset();
        int n = data.getItemCount(0);
        assertTrue(n > 2);
        assertEquals(1.0, data.getYValue(0, 0), 1e-12);
        assertEquals(0.0, data.getYValue(0, n - 1), 1e-12);
    }
}
