package dev.rankscope.views.series;

import dev.rankscope.application.sweep.SeriesPlots;
import dev.rankscope.application.sweep.SeriesQuantity;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.Journeys;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.stage.Stage;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A user opens a folder of checkpoints with File ▸ Open Series…, asks for update spectra, and
 * exports a chart: the charts on screen hold the sweep's values.
 */
@ExtendWith(ApplicationExtension.class)
class SeriesJourneyTest {
    final FakeDialogService dialogs = new FakeDialogService();
    WorkbenchViewModel vm;
    WorkbenchView view;
    SeriesView series;

    @Start
    void start(Stage stage) {
        vm = Journeys.workbench(dialogs);
        view = new WorkbenchView(vm);
        series = SeriesView.install(view, vm);
        view.install(stage);
        stage.show();
    }

    @Test
    void openAFolderComputeUpdatesAndExportTheChart(FxRobot robot, @TempDir Path dir) throws Exception {
        Path folder = dir.resolve("run");
        SeriesViewModelTest.series(folder, SeriesViewModelTest.MINI, "epoch_2", "epoch_1", "epoch_3");
        MenuItem open = view.menu("File").getItems().stream().filter(i -> "menu-open-series".equals(i.getId()))
                .findFirst().orElseThrow();
        robot.interact(() -> {
            dialogs.seriesFolder = folder;
            open.fire();
        });
        assertEquals("Series", view.tabs().getSelectionModel().getSelectedItem().getText());
        SeriesViewModel model = series.viewModel();
        waitUntil(() -> model.resultProperty().get() != null && !model.runningProperty().get());
        ListView<?> members = robot.lookup("#series-members").queryAs(ListView.class);
        assertEquals(3, members.getItems().size());
        assertTrue(members.getItems().get(0).toString().contains("epoch_1"));

        // ask for update spectra vs the previous checkpoint and compute
        robot.interact(() -> robot.lookup("#series-updates").queryAs(ComboBox.class)
                .getSelectionModel().select(SweepParameters.Updates.CONSECUTIVE));
        robot.clickOn("#series-run");
        waitUntil(() -> !model.runningProperty().get() && model.resultProperty().get() != null
                && model.resultProperty().get().rows().stream().anyMatch(r -> r.update() != null));
        robot.interact(() -> {
            model.charts().quantityProperty().set(SeriesQuantity.named("update_effective_rank"));
            model.charts().scopeKindProperty().set(SeriesPlots.ScopeKind.MODULE);
            model.charts().scopeValueProperty().set("down");
        });
        JFreeChart chart = series.trajectoriesPane().chart();
        XYDataset data = chart.getXYPlot().getDataset();
        assertEquals(3, data.getSeriesCount(), "one line per layer");
        SweepResult r = model.resultProperty().get();
        for (int layer = 0; layer < 3; layer++) {
            String id = "model.layers." + layer + ".mlp.down_proj.weight";
            List<Double> expected = r.rows().stream().filter(x -> x.matrix().equals(id) && x.update() != null)
                    .map(x -> x.update().effectiveRank()).toList();
            assertEquals(2, expected.size());
            assertEquals(2, data.getItemCount(layer));
            for (int i = 0; i < 2; i++) {
                assertEquals(expected.get(i), data.getYValue(layer, i));
                assertEquals(i + 2.0, data.getXValue(layer, i), "x is the epoch");
            }
        }
        assertTrue(chart.getTitle().getText().startsWith("update_effective_rank"), chart.getTitle().getText());
        var heat = series.heatmapPane().chart().getXYPlot().getDataset();
        assertEquals(1, heat.getSeriesCount());
        assertEquals(3 * 3, heat.getItemCount(0), "3 layers × 3 checkpoints");

        // export the trajectory chart as PNG through the workbench's exporter
        Path png = dir.resolve("trajectories.png");
        dialogs.answers.add(png);
        robot.clickOn("#series-trajectories-png");
        waitUntil(() -> Files.exists(png));
        byte[] bytes = Files.readAllBytes(png);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
        assertNotNull(robot.lookup("#series-status").query());
    }
}
