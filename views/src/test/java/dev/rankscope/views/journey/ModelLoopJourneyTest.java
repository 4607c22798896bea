package dev.rankscope.views.journey;

import dev.rankscope.views.budget.ModelLoopViewModel;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journey (Monocle) of the model in the loop at 1280×800: open the trained sample
 * {@code sample-checkpoints/tiny-kjv}, Budget ▸ Model, click Calibrate (the bundled text), and the
 * data-aware switch comes alive and the Budget's plan turns data-aware, without blocking the UI.
 */
class ModelLoopJourneyTest extends SampleJourney {
    @TempDir
    Path cache;

    @Start
    void start(Stage stage) {
        show(stage);
    }

    /** A calibration on a shared CI machine may take longer than the journeys' usual hang guard. */
    static void waitLong(java.util.function.BooleanSupplier condition) {
        waitUntil(120, condition);
    }

    static Path trainedSample() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sample-checkpoints").resolve("tiny-kjv");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-kjv not found");
    }

    @Test
    void calibrateFromTheBudgetTabMakesThePlanDataAware(FxRobot robot) {
        window.openAndWait(robot, trainedSample());
        window.selectTab(robot, "Budget");
        waitUntil(() -> window.budget.viewModel().getPlan() != null);
        ModelLoopViewModel vm = window.budget.viewModel().modelLoop();
        robot.interact(() -> {
            vm.setCacheFolder(cache);
            vm.maxTokensProperty().set(512);
            vm.seqLenProperty().set(128);
            TabPane lower = robot.lookup("#budget-lower-tabs").queryAs(TabPane.class);
            lower.getSelectionModel().select(lower.getTabs().stream().filter(t -> t.getText().equals("Model")).findFirst()
                    .orElseThrow());
        });
        CheckBox aware = robot.lookup("#model-data-aware").queryAs(CheckBox.class);
        assertTrue(aware.isDisabled(), "no statistics yet");
        robot.clickOn("#model-calibrate");
        waitLong(() -> vm.statisticsProperty().get() != null || !vm.runningProperty().get() && !vm.statusProperty().get()
                .startsWith("Calibrating"));
        Label status = robot.lookup("#model-status").queryAs(Label.class);
        assertTrue(vm.statisticsProperty().get() != null, status.getText());
        waitUntil(() -> !aware.isDisabled());
        waitLong(() -> window.budget.viewModel().getPlan() != null && window.budget.viewModel().getPlan().isDataAware());
        assertFalse(vm.runningProperty().get());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        // at 1280×800 the statistics' status lines squeezed the quality chart to a 30 px strip ("perplexi"): it keeps
        // its height, and the Model panel scrolls instead
        window.resize(robot, 1280, 800);
        robot.interact(() -> {
            javafx.scene.Node chart = robot.lookup("#model-quality-chart").query();
            assertTrue(chart.getLayoutBounds().getHeight() >= 180, "the quality chart is "
                    + chart.getLayoutBounds().getHeight() + " px tall at 1280×800; status: " + status.getText());
            // beside the panel's scroll bar the window spinner kept its width ("25" was cut)
            javafx.scene.layout.Region spinner = robot.lookup("#model-seq-len").query();
            assertTrue(spinner.getWidth() >= spinner.prefWidth(-1) - 0.5, "the window spinner is " + spinner.getWidth() + " px");
            // the narrow text fields show the files' names, the end of their paths ("/work/wt/ui/sampl" before)
            for (String id : new String[] {"#model-calibration-text", "#model-evaluation-text"}) {
                javafx.scene.control.TextField field = robot.lookup(id).query();
                javafx.scene.text.Text shown = field.lookupAll(".text").stream()
                        .filter(n -> n instanceof javafx.scene.text.Text t && field.getText().equals(t.getText()))
                        .map(javafx.scene.text.Text.class::cast).findFirst().orElseThrow();
                javafx.geometry.Bounds end = field.sceneToLocal(shown.localToScene(shown.getLayoutBounds()));
                assertTrue(end.getWidth() > field.getWidth(), id + ": the path is longer than the field");
                assertTrue(end.getMaxX() <= field.getWidth(), id + ": the path's end is at " + end.getMaxX()
                        + " in a " + field.getWidth() + " px field; " + field.getAlignment() + " focused " + field.isFocused() + " caret " + field.getCaretPosition() + "/" + field.getLength());
            }
        });
    }
}
