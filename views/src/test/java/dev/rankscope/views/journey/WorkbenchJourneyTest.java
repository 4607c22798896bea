package dev.rankscope.views.journey;

import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.model.Metric;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless user journeys (Monocle) over the real main window with the fake service port:
 * open, select a layer and see the charts filled, switch the layer map's metric and click a
 * cell, cancel a running analysis, and open a corrupt file.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchJourneyTest {
    static final Path SAMPLE = Path.of("/samples/tiny-llama").toAbsolutePath();
    static final int MATRICES = 2 + 7 * 3;

    FakeWorkbenchServices services;
    WorkbenchViewModel vm;
    WorkbenchView view;

    @Start
    void start(Stage stage) {
        services = new FakeWorkbenchServices();
        vm = new WorkbenchViewModel(services, new FxDialogService(() -> stage), new InMemorySettingsStore(),
                WorkbenchExecutors.standard());
        view = new WorkbenchView(vm);
        view.install(stage);
        stage.setWidth(1280);
        stage.setHeight(800);
        stage.show();
    }

    void openSampleAndWait(FxRobot robot) {
        robot.interact(() -> vm.open(SAMPLE));
        waitUntil(() -> vm.matricesDoneProperty().get() == MATRICES);
    }

    static long sizeOf(Path p) {
        try {
            return java.nio.file.Files.size(p);
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    static XYPlot plot(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(ChartViewer.class).getChart().getXYPlot();
    }

    @Test
    void openTheSampleSelectALayerAndSeeTheChartsFilled(FxRobot robot, @org.junit.jupiter.api.io.TempDir Path exportDir) {
        openSampleAndWait(robot);
        assertEquals(4, robot.lookup(".layer-row").queryAll().size(), "model row + 3 layers");
        Label layer1 = robot.lookup(".row-name").match((Label l) -> "layer 1".equals(l.getText())).queryAs(Label.class);
        robot.clickOn(layer1);
        waitUntil(() -> vm.selection().size() == 7);
        waitUntil(() -> plot(robot, "#scree-chart").getDataset().getSeriesCount() == 7);
        XYPlot scree = plot(robot, "#scree-chart");
        // q_proj is 32×32 (p = 32), k_proj 16×32 (p = 16): one point per singular value
        assertEquals(FakeWorkbenchServices.HIDDEN, scree.getDataset().getItemCount(0));
        assertEquals(FakeWorkbenchServices.HIDDEN / 2, scree.getDataset().getItemCount(1));
        XYPlot cumulative = plot(robot, "#cumulative-chart");
        assertEquals(7, cumulative.getDataset().getSeriesCount());
        assertEquals(1.0, cumulative.getDataset().getYValue(0, FakeWorkbenchServices.HIDDEN - 1), 1e-12);
        assertEquals(3, cumulative.getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).size(), "r90, r95, r99 markers");
        XYPlot esd = plot(robot, "#esd-chart");
        assertEquals(7, esd.getDataset(0).getSeriesCount());
        assertTrue(esd.getDataset(0).getItemCount(0) >= 8, "ESD histogram bins");
        assertEquals(1, esd.getDataset(1).getSeriesCount(), "power-law tail line");

        // export the scree plot as SVG and PNG (rendered on the FX thread, written on a work thread)
        Path svg = exportDir.resolve("scree.svg");
        Path png = exportDir.resolve("scree.png");
        robot.interact(() -> {
            view.spectrum().charts().get(0).exportTo(svg, "svg");
            view.spectrum().charts().get(0).exportTo(png, "png");
        });
        waitUntil(() -> java.nio.file.Files.exists(svg) && java.nio.file.Files.exists(png));
        waitUntil(() -> sizeOf(png) > 8);
        try {
            assertTrue(java.nio.file.Files.readString(svg).contains("<svg"), "an SVG document");
            byte[] head = java.nio.file.Files.readAllBytes(png);
            assertEquals((byte) 0x89, head[0]);
            assertEquals('P', head[1]);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }

        // next / previous matrix from the keyboard (F3)
        robot.interact(() -> vm.select(vm.checkpoints().get(0).matrices().get(0)));
        robot.type(javafx.scene.input.KeyCode.F3);
        waitUntil(() -> vm.getCurrent().equals(vm.checkpoints().get(0).matrices().get(1)));
    }

    @Test
    void switchTheLayerMapMetricAndClickACell(FxRobot robot) {
        openSampleAndWait(robot);
        robot.clickOn("Layer map");
        robot.clickOn("#layermap-metric");
        robot.clickOn(Metric.ALPHA.label());
        waitUntil(() -> vm.metricProperty().get() == Metric.ALPHA);
        waitUntil(() -> view.layerMap().lookup("#cell-1-q") != null
                && "2.50".equals(((Label) view.layerMap().lookup("#cell-1-q .layermap-value")).getText()));
        robot.clickOn("#cell-2-down");
        waitUntil(() -> vm.getCurrent() != null && vm.getCurrent().id().equals("model.layers.2.mlp.down_proj.weight"));
        waitUntil(() -> view.layerMap().lookup("#cell-2-down").getStyleClass().contains("selected"));
    }

    @Test
    void cancelARunningAnalysis(FxRobot robot) {
        Semaphore gate = new Semaphore(0);
        services.gate = gate;
        robot.interact(() -> vm.open(SAMPLE));
        waitUntil(() -> robot.lookup(".task-cancel").tryQuery().isPresent());
        gate.release(3);
        waitUntil(() -> vm.matricesDoneProperty().get() == 3);
        robot.clickOn(".task-cancel");
        gate.release(1000);
        waitUntil(() -> vm.tasks().isEmpty());
        assertEquals("cancelled", vm.checkpoints().get(0).getState());
        assertEquals(3, vm.analyses().size());
        assertTrue(robot.lookup(".task-cancel").tryQuery().isEmpty(), "task row removed");
        assertTrue(robot.lookup("#status-message").queryLabeled().getText().startsWith("Cancelled analysis"));
    }

    @Test
    void aCorruptFileShowsOneErrorDialogAndTheAppKeepsRunning(FxRobot robot) {
        openSampleAndWait(robot);
        robot.interact(() -> vm.open(Path.of("/samples/corrupt.safetensors")));
        waitUntil(() -> robot.lookup("#error-dialog").tryQuery().isPresent());
        DialogPane dialog = robot.lookup("#error-dialog").queryAs(DialogPane.class);
        assertTrue(dialog.getContentText().startsWith("corrupt.safetensors: header is not valid JSON"), dialog.getContentText());
        assertEquals(1, robot.lookup("#error-dialog").queryAll().size());
        robot.clickOn("OK");
        waitUntil(() -> robot.lookup("#error-dialog").tryQuery().isEmpty());
        assertEquals(1, vm.checkpoints().size());
        assertEquals(MATRICES, vm.analyses().size());
    }
}
