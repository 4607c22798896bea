package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.RankLadder;
import dev.rankscope.analysis.allocation.StrategyDescription;
import dev.rankscope.analysis.allocation.StrategyOutcome;
import dev.rankscope.analysis.allocation.StrategyParameter;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.allocation.WeLoreParameters;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Budget tab's strategy form is built from the registry's descriptions (SPEC §4), headless:
 * a strategy registered only in this test shows up in the picker and gets a text field, check
 * box and choice box from its description, edits reach the ViewModel through the record's
 * validation; the built-in forms keep their labels.
 */
@ExtendWith(ApplicationExtension.class)
class StrategyFormTest {

    /** A strategy from outside the allocation package: one record, registered only here. */
    record TestOnlyParameters(double weight, boolean reversed, GlobalOptimalParameters.Objective mode)
            implements StrategyParameters {
        static final StrategyDescription DESCRIPTION = StrategyDescription.of("test-only", "a strategy from a test",
                TestOnlyParameters.class,
                StrategyParameter.real("weight", "step weight", 1.0, StrategyParameter.Range.atLeast(0), "how much"),
                StrategyParameter.flag("reversed", "reversed order", false, "earlier matrices first"),
                StrategyParameter.choice("mode", "mode", GlobalOptimalParameters.Objective.RAW_ENERGY, List.of(
                        new StrategyParameter.Choice(GlobalOptimalParameters.Objective.RAW_ENERGY, "raw", List.of()),
                        new StrategyParameter.Choice(GlobalOptimalParameters.Objective.NORMALISED_ENERGY, "normalized",
                                List.of())), "unused"));

        TestOnlyParameters {
            if (!(weight >= 0)) {
                throw new IllegalArgumentException("step weight must be ≥ 0, got " + weight);
            }
        }

        @Override
        public StrategyDescription description() {
            return DESCRIPTION;
        }

        @Override
        public StrategyOutcome allocate(RankLadder[] ladders, long budgetParams) {
            return new StrategyOutcome(new int[ladders.length], (l, level) -> reversed ? -l : l, List.of());
        }
    }

    BudgetViewModel vm;

    @Start
    void start(Stage stage) {
        WorkbenchViewModel wb = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1),
                new FakeDialogService(), new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        vm = new BudgetViewModel(wb, new EngineBudgetServices(OjAlgoBackend::new), Debouncer.immediate(),
                StrategyRegistry.standard().with(TestOnlyParameters.DESCRIPTION));
        BudgetView view = new BudgetView(vm, WorkbenchExecutors.sameThread(), new SimpleObjectProperty<>(Theme.LIGHT));
        stage.setScene(new Scene((javafx.scene.Parent) view.content(), 1280, 800));
        stage.show();
    }

    /** The form's labels, top to bottom. */
    private static List<String> labels(FxRobot robot) {
        GridPane form = robot.lookup("#budget-strategy-form").queryAs(GridPane.class);
        return form.getChildren().stream().filter(c -> c instanceof Label).map(c -> ((Label) c).getText()).toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRegisteredTestOnlyStrategyAppearsInTheForm(FxRobot robot) {
        ComboBox<String> picker = robot.lookup("#budget-strategy").queryAs(ComboBox.class);
        assertEquals("test-only", picker.getItems().get(picker.getItems().size() - 1));
        robot.interact(() -> picker.setValue("test-only"));
        assertEquals(new TestOnlyParameters(1.0, false, GlobalOptimalParameters.Objective.RAW_ENERGY),
                vm.strategyProperty().get());
        assertEquals(List.of("step weight", "reversed order", "mode"), labels(robot));
        TextField weight = robot.lookup("#budget-param-weight").queryAs(TextField.class);
        assertEquals("1.0", weight.getText());
        CheckBox reversed = robot.lookup("#budget-param-reversed").queryAs(CheckBox.class);
        ComboBox<Object> mode = robot.lookup("#budget-param-mode").queryAs(ComboBox.class);
        assertEquals(List.of(GlobalOptimalParameters.Objective.RAW_ENERGY,
                GlobalOptimalParameters.Objective.NORMALISED_ENERGY), mode.getItems());
        assertTrue(weight.getTooltip().getText().contains("number ≥ 0"), weight.getTooltip().getText());

        robot.interact(() -> {
            weight.setText("2.5");
            weight.fireEvent(new javafx.event.ActionEvent());
        });
        assertEquals(2.5, ((TestOnlyParameters) vm.strategyProperty().get()).weight());
        robot.interact(reversed::fire);
        robot.interact(() -> mode.setValue(GlobalOptimalParameters.Objective.NORMALISED_ENERGY));
        assertEquals(new TestOnlyParameters(2.5, true, GlobalOptimalParameters.Objective.NORMALISED_ENERGY),
                vm.strategyProperty().get());

        TextField again = robot.lookup("#budget-param-weight").queryAs(TextField.class);
        robot.interact(() -> {
            again.setText("-1");
            again.fireEvent(new javafx.event.ActionEvent());
        });
        assertEquals(2.5, ((TestOnlyParameters) vm.strategyProperty().get()).weight(), "the record rejects -1");
        assertTrue(again.getStyle().contains("#c03030"), "outlined red");
        assertTrue(vm.messageProperty().get().contains("step weight"), vm.messageProperty().get());
    }

    @Test
    @SuppressWarnings("unchecked")
    void builtInFormsKeepTheirLabelsAndValues(FxRobot robot) {
        robot.interact(() -> vm.strategyNameProperty().set(WeLoreParameters.NAME));
        assertEquals(List.of("lrc drop share"), labels(robot));
        assertEquals("0.5", robot.lookup("#budget-param-lrcDropShare").queryAs(TextField.class).getText());
        robot.interact(() -> vm.strategyNameProperty().set(GlobalOptimalParameters.NAME));
        assertEquals(List.of("objective", "exact work limit"), labels(robot));
        assertEquals(GlobalOptimalParameters.Objective.NORMALISED_ENERGY,
                robot.lookup("#budget-param-objective").queryAs(ComboBox.class).getValue());
        assertEquals("1500000000", robot.lookup("#budget-param-exactWorkLimit").queryAs(TextField.class).getText());
    }
}
