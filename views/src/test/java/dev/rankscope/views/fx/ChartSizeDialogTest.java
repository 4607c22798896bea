package dev.rankscope.views.fx;

import dev.rankscope.application.render.ChartSize;
import dev.rankscope.views.testing.Journeys;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real "export at size" dialog, headless: prefilled, validated as typed, presets, Export and Cancel. */
@ExtendWith(ApplicationExtension.class)
class ChartSizeDialogTest {
    FxDialogService dialogs;

    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new StackPane(), 400, 300));
        stage.show();
        dialogs = new FxDialogService(() -> stage);
    }

    Future<Optional<ChartSize>> open() {
        Future<Optional<ChartSize>> result = WaitForAsyncUtils.asyncFx(
                () -> dialogs.chooseChartSize("Export as PNG", new ChartSize(640, 480)));
        WaitForAsyncUtils.waitForFxEvents();
        return result;
    }

    static void replace(FxRobot robot, String id, String text) {
        TextField f = robot.lookup(id).queryAs(TextField.class);
        robot.interact(() -> f.setText(""));
        robot.clickOn(f).write(text);
    }

    @Test
    void typedSizeIsValidatedAndReturned(FxRobot robot) throws Exception {
        Future<Optional<ChartSize>> result = open();
        DialogPane pane = robot.lookup("#chart-size-dialog").queryAs(DialogPane.class);
        Node export = pane.lookupButton(pane.getButtonTypes().get(0));
        assertEquals("640", robot.lookup("#chart-size-width").queryAs(TextField.class).getText());
        assertEquals("480", robot.lookup("#chart-size-height").queryAs(TextField.class).getText());
        assertFalse(export.isDisabled());

        replace(robot, "#chart-size-width", "12x");
        assertTrue(export.isDisabled(), "Export is disabled while the size is invalid");
        assertEquals("Width \"12x\" is not a whole number of pixels",
                robot.lookup("#chart-size-error").queryAs(Label.class).getText());

        robot.clickOn("1600×1200");
        assertEquals("1600", robot.lookup("#chart-size-width").queryAs(TextField.class).getText());
        assertFalse(export.isDisabled());
        replace(robot, "#chart-size-height", "900");
        robot.clickOn((Button) export);
        assertEquals(Optional.of(new ChartSize(1600, 900)), result.get(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void cancelReturnsNothing(FxRobot robot) throws Exception {
        Future<Optional<ChartSize>> result = open();
        DialogPane pane = robot.lookup("#chart-size-dialog").queryAs(DialogPane.class);
        robot.clickOn((Button) pane.lookupButton(ButtonType.CANCEL));
        assertEquals(Optional.empty(), result.get(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS));
    }
}
