package dev.rankscope.views.journey;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import org.junit.jupiter.api.Test;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;


import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journey (Monocle) in the Budget tab at 1280×800 on the real engine: open the sample,
 * go to Budget, lower the kept-parameter budget with the slider, and the plan table shows smaller
 * ranks for the same matrices.
 */
class BudgetJourneyTest extends SampleJourney {

    @Start
    void start(Stage stage) {
        show(stage);
    }

    static long keptParams(TableView<PlannedMatrix> table) {
        return table.getItems().stream().mapToLong(PlannedMatrix::paramsAfter).sum();
    }

    static long ranks(TableView<PlannedMatrix> table) {
        return table.getItems().stream().mapToLong(PlannedMatrix::rank).sum();
    }

    @Test
    @SuppressWarnings("unchecked")
    void loweringTheBudgetUpdatesThePlanTable(FxRobot robot) {
        window.openAndWait(robot, samples.base());
        window.selectTab(robot, "Budget");
        waitUntil(() -> window.budget.viewModel().getPlan() != null);
        TableView<PlannedMatrix> table = robot.lookup("#budget-table").queryAs(TableView.class);
        waitUntil(() -> !table.getItems().isEmpty());
        Plan before = window.budget.viewModel().getPlan();
        int rows = table.getItems().size();
        long paramsBefore = keptParams(table);
        long ranksBefore = ranks(table);
        Label totals = robot.lookup("#budget-totals").queryAs(Label.class);
        String totalsBefore = totals.getText();
        assertEquals(before.matrices().size(), rows, "one row per planned matrix");

        javafx.scene.control.Slider slider = robot.lookup("#budget-slider").queryAs(javafx.scene.control.Slider.class);
        double fractionBefore = slider.getValue();
        robot.drag(slider.lookup(".thumb")).moveBy(-slider.getWidth() / 3, 0).drop();   // to about 20 %
        double fraction = window.budget.viewModel().settings().keptFractionProperty().get();
        assertTrue(fraction < fractionBefore - 0.1 && fraction > 0.05, "dragged left: " + fractionBefore + " → " + fraction);
        waitUntil(() -> window.budget.viewModel().getPlan() != before && keptParams(table) < paramsBefore);
        assertEquals(rows, table.getItems().size(), "the same matrices");
        assertTrue(ranks(table) < ranksBefore, "smaller ranks: " + ranks(table) + " vs " + ranksBefore);
        assertTrue(!totals.getText().equals(totalsBefore), "the totals line follows: " + totals.getText());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }
}
