package dev.rankscope.views.compare;

import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.Journeys;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.Scene;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.application.workbench.MatrixViews;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ListCell;
import javafx.scene.control.Slider;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.jfree.data.xy.TableXYDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journey (Monocle): the workbench with the Compare tab, the sample base and its LoRA
 * adapter compared on the real engine with the standard executors; the user moves the ε slider
 * and the bar chart gets a new dataset with more intruders.
 */
@ExtendWith(ApplicationExtension.class)
class CompareJourneyTest {
    @TempDir
    static Path dir;
    static SampleCheckpoints.Samples samples;

    final FakeDialogService dialogs = new FakeDialogService();
    WorkbenchViewModel workbench;
    CompareView compare;
    WorkbenchView window;

    @BeforeAll
    static void writeSamples() {
        samples = SampleCheckpoints.writeAll(dir);
    }

    @Start
    void start(Stage stage) {
        workbench = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1), dialogs,
                new InMemorySettingsStore(), WorkbenchExecutors.standard());
        window = new WorkbenchView(workbench);
        compare = CompareView.install(window, workbench, new EngineCompareServices(OjAlgoBackend::new));
        stage.setScene(new Scene(window.root(), 1200, 760));
        stage.show();
    }

    private static int sum(XYDataset data) {
        double s = 0;
        for (int series = 0; series < data.getSeriesCount(); series++) {
            for (int i = 0; i < data.getItemCount(series); i++) {
                s += data.getYValue(series, i);
            }
        }
        return (int) Math.round(s);
    }

    @Test
    void comparingBaseWithAdapterAndDraggingEpsilonUpdatesTheBars(FxRobot robot) throws Exception {
        robot.interact(() -> {
            window.tabs().getSelectionModel().select(window.tabs().getTabs().size() - 1);
            workbench.open(samples.base());
        });
        Journeys.waitUntil(() -> !workbench.checkpoints().isEmpty());
        robot.interact(() -> {
            compare.viewModel().tunedPathProperty().set(samples.lora());
        });
        assertEquals(samples.base(), compare.viewModel().basePathProperty().get(), "the open checkpoint is the default base");
        robot.clickOn("#compare-run");
        Journeys.waitUntil(() -> !compare.viewModel().runningProperty().get()
                && compare.viewModel().results().rows().size() == samples.adapter().modules().size());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());

        XYDataset before = compare.barChart().getXYPlot().getDataset();
        assertTrue(before instanceof TableXYDataset);
        int atDefault = sum(before);
        assertEquals(compare.viewModel().results().totalIntrudersProperty().get(), atDefault);
        assertTrue(atDefault >= 1, "the planted intruder shows in the bars");
        TableView<?> table = robot.lookup("#compare-table-view").queryAs(TableView.class);
        assertEquals(samples.adapter().modules().size(), table.getItems().size());

        Slider slider = robot.lookup("#compare-epsilon").queryAs(Slider.class);
        robot.clickOn(slider);            // a click on the track moves the thumb there
        robot.type(KeyCode.END);          // then all the way right: ε = 1
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1.0, compare.viewModel().results().getParameters().epsilon(), 1e-12);

        XYDataset after = compare.barChart().getXYPlot().getDataset();
        assertTrue(after != before, "a new dataset is swapped in, the shown one is not mutated");
        int atOne = sum(after);
        assertTrue(atOne > atDefault, "ε = 1 flags more vectors: " + atOne + " vs " + atDefault);
        assertEquals(compare.viewModel().results().totalIntrudersProperty().get(), atOne);
        assertEquals(atDefault, sum(before), "the old dataset was left untouched");

        // the "ε = …" line's label has no box (JFreeChart's default grey box covered the c_j curve under it)
        robot.interact(() -> {
            var cj = (org.jfree.chart.fx.ChartViewer) window.root().getScene().lookup("#compare-cj-chart");
            var markers = cj.getChart().getXYPlot().getRangeMarkers(org.jfree.chart.ui.Layer.FOREGROUND);
            assertTrue(markers != null && !markers.isEmpty(), "the ε line is drawn");
            for (Object m : markers) {
                java.awt.Color bg = ((org.jfree.chart.plot.Marker) m).getLabelBackgroundColor();
                assertEquals(0, bg.getAlpha(), "the ε label's background " + bg);
            }
            // the module legend lies under the bars: beside them (nine modules) it left the plot a third of a narrow
            // chart at 1280×800
            var bars = (org.jfree.chart.fx.ChartViewer) window.root().getScene().lookup("#compare-bars-chart");
            java.awt.geom.Rectangle2D plotArea = bars.getCanvas().getRenderingInfo().getPlotInfo().getDataArea();
            assertTrue(plotArea.getWidth() >= 0.6 * bars.getCanvas().getWidth(), "the bars' plot is " + plotArea.getWidth()
                    + " px of a " + bars.getCanvas().getWidth() + " px chart");
        });
    }

    /**
     * The Base picker shows the base after the workbench's list of checkpoints changes: opening a second
     * checkpoint emptied the combo (its items were replaced) while the ViewModel still had a base, and so
     * did View ▸ Per-head views, which reopens every checkpoint.
     */
    @Test
    void theBasePickerShowsTheBaseAfterCheckpointsAreOpenedAndReopened(FxRobot robot) throws Exception {
        robot.interact(() -> {
            window.tabs().getSelectionModel().select(window.tabs().getTabs().size() - 1);
            workbench.open(samples.base());
        });
        Journeys.waitUntil(() -> workbench.checkpoints().size() == 1);
        robot.interact(() -> workbench.open(samples.finetuned()));
        Journeys.waitUntil(() -> workbench.checkpoints().size() == 2);
        @SuppressWarnings("unchecked")
        ComboBox<Path> base = robot.lookup("#compare-base").queryAs(ComboBox.class);
        robot.interact(() -> {
            assertEquals(samples.base(), base.getValue(), "after a second checkpoint opened");
            assertEquals("tiny-llama", shownText(base));
            base.setValue(samples.finetuned());
        });
        assertEquals(samples.finetuned(), compare.viewModel().basePathProperty().get(), "the user's choice is the base");

        robot.interact(() -> workbench.matrixViewsProperty().set(new MatrixViews(true, ConvMode.RESHAPE)));
        Journeys.waitUntil(() -> workbench.checkpoints().size() == 2);
        robot.interact(() -> {
            assertEquals(samples.finetuned(), compare.viewModel().basePathProperty().get(), "the base after reopening");
            assertEquals(samples.finetuned(), base.getValue(), "the picker after reopening");
            assertEquals("tiny-llama-finetuned", shownText(base));
        });
    }

    /** The text the closed combo box shows: its button cell, a child of the combo (the popup's cells are not). */
    private static String shownText(ComboBox<Path> combo) {
        combo.applyCss();
        combo.layout();
        return combo.getChildrenUnmodifiable().stream().filter(n -> n instanceof ListCell<?>)
                .map(n -> ((ListCell<?>) n).getText()).findFirst().orElse(null);
    }
}
