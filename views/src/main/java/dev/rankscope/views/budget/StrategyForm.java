package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.StrategyDescription;
import dev.rankscope.analysis.allocation.StrategyParameter;
import dev.rankscope.analysis.allocation.StrategyParameters;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import java.util.List;

/**
 * The Budget tab's Strategy pane: the strategy picker and the parameter form generated from the
 * chosen strategy's {@link StrategyDescription} (rebuilt whenever the strategy changes), bound to
 * the {@link BudgetViewModel}'s settings. Holds no state of its own. FX thread only.
 */
final class StrategyForm {
    private final BudgetViewModel vm;
    private final GridPane strategyForm = new GridPane();
    private final Label strategyDescription = new Label();

    StrategyForm(BudgetViewModel vm) {
        this.vm = vm;
    }

    /** The pane (built once per call). */
    TitledPane pane() {
        return strategyPane();
    }

    private TitledPane strategyPane() {
        ComboBox<String> picker = new ComboBox<>();
        picker.setId("budget-strategy");
        picker.getItems().setAll(vm.settings().strategyNames());
        picker.valueProperty().bindBidirectional(vm.settings().strategyNameProperty());
        picker.setMaxWidth(Double.MAX_VALUE);
        strategyDescription.setWrapText(true);
        strategyDescription.getStyleClass().add("hint");
        strategyForm.setId("budget-strategy-form");
        strategyForm.setHgap(6);
        strategyForm.setVgap(4);
        vm.settings().strategyProperty().addListener((o, a, b) -> buildForm(b));
        buildForm(vm.settings().strategyProperty().get());
        return BudgetControls.titled("Strategy", new VBox(4, picker, strategyDescription, strategyForm));
    }

    /**
     * The parameter form, generated from the strategy's {@link StrategyDescription}: a choice box
     * per CHOICE, a check box per FLAG, a text field per number (committed on Enter or focus
     * loss, outlined red when the record rejects it); labels and tooltips from the description.
     */
    private void buildForm(StrategyParameters p) {
        strategyDescription.setText(p.describe());
        strategyForm.getChildren().clear();
        StrategyDescription d = p.description();
        List<Object> values = d.values(p);
        int row = 0;
        for (StrategyParameter f : d.parameters()) {
            Object value = values.get(row);
            Control editor;
            if (f.kind() == StrategyParameter.Kind.CHOICE) {
                ComboBox<Object> c = new ComboBox<>();
                c.getItems().setAll(f.choices().stream().map(StrategyParameter.Choice::value).toList());
                c.setValue(value);
                c.setOnAction(e -> vm.setStrategyField(f.name(), c.getValue()));
                editor = c;
            } else if (f.kind() == StrategyParameter.Kind.FLAG) {
                CheckBox c = new CheckBox();
                c.setSelected((Boolean) value);
                c.setOnAction(e -> vm.setStrategyField(f.name(), c.isSelected()));
                editor = c;
            } else {
                TextField t = new TextField(String.valueOf(value));
                t.setPrefColumnCount(8);
                Runnable commit = () -> {
                    if (!vm.setStrategyField(f.name(), t.getText())) {
                        t.setStyle("-fx-border-color: #c03030;");
                    } else {
                        t.setStyle("");
                    }
                };
                t.setOnAction(e -> commit.run());
                t.focusedProperty().addListener((o, a, focused) -> {
                    if (!focused) {
                        commit.run();
                    }
                });
                editor = t;
            }
            editor.setId("budget-param-" + f.name());
            editor.setTooltip(new Tooltip(f.help() + (f.help().isEmpty() ? "" : "\n") + f.accepts()));
            strategyForm.addRow(row++, new Label(f.label()), editor);
        }
        if (row == 0) {
            strategyForm.addRow(0, BudgetControls.hint("no parameters"));
        }
    }

}
