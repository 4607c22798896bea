package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.tensor.DType;
import javafx.beans.property.ObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.Region;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;

import java.io.File;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Budget tab's controls column: strategy ({@link StrategyForm}), budget, scope, constraints,
 * strategies to compare, and plan import/export, each a titled pane bound to the
 * {@link BudgetViewModel}'s settings and exports. Holds no state of its own. FX thread only.
 */
final class BudgetControls {
    private final BudgetViewModel vm;
    private final VBox root;

    BudgetControls(BudgetViewModel vm) {
        this.vm = vm;
        root = new VBox(6, new StrategyForm(vm).pane(), budgetPane(), scopePane(), constraintsPane(), comparePane(),
                filePane());
        root.setPadding(new Insets(6));
        root.setId("budget-controls");
    }

    /** The column of panes. */
    VBox root() {
        return root;
    }

    private TitledPane budgetPane() {
        ComboBox<Budget.Kind> kind = new ComboBox<>();
        kind.setId("budget-kind");
        kind.getItems().setAll(Budget.Kind.values());
        kind.valueProperty().bindBidirectional(vm.settings().budgetKindProperty());
        kind.setConverter(converter(k -> switch (k) {
            case KEPT_FRACTION -> "kept fraction of parameters";
            case PARAMS -> "parameter count";
            case BYTES -> "bytes";
        }));
        Slider slider = new Slider(0.01, 1, vm.settings().keptFractionProperty().get());
        slider.setId("budget-slider");
        slider.setShowTickMarks(true);
        slider.setMajorTickUnit(0.25);
        slider.valueProperty().bindBidirectional(vm.settings().keptFractionProperty());
        Label pct = new Label();
        pct.setId("budget-slider-value");
        pct.setMinWidth(48);
        pct.textProperty().bind(vm.settings().keptFractionProperty().multiply(100).asString(Locale.ROOT, "%.1f %%"));
        HBox sliderRow = new HBox(6, slider, pct);
        HBox.setHgrow(slider, Priority.ALWAYS);
        sliderRow.setAlignment(Pos.CENTER_LEFT);
        TextField params = longField("budget-params", vm.settings().paramsAmountProperty());
        TextField bytes = longField("budget-bytes", vm.settings().bytesAmountProperty());
        ComboBox<DType> dtype = new ComboBox<>();
        dtype.setId("budget-dtype");
        dtype.getItems().setAll(DType.F16, DType.BF16, DType.F32);
        dtype.valueProperty().bindBidirectional(vm.settings().byteDTypeProperty());
        sliderRow.disableProperty().bind(vm.settings().budgetKindProperty().isNotEqualTo(Budget.Kind.KEPT_FRACTION));
        params.disableProperty().bind(vm.settings().budgetKindProperty().isNotEqualTo(Budget.Kind.PARAMS));
        bytes.disableProperty().bind(vm.settings().budgetKindProperty().isNotEqualTo(Budget.Kind.BYTES));
        GridPane g = grid();
        g.addRow(0, new Label("params"), params);
        g.addRow(1, new Label("bytes"), bytes);
        g.addRow(2, new Label("at dtype"), dtype);
        return titled("Budget", new VBox(4, kind, sliderRow, g));
    }

    private TitledPane scopePane() {
        FlowPane types = new FlowPane(8, 4);
        for (ModuleType t : ModuleType.values()) {
            CheckBox c = new CheckBox(t.label());
            c.setMnemonicParsing(false); // "gate_up", "lm_head": the underscore is part of the name
            c.setId("budget-scope-" + t.name().toLowerCase(Locale.ROOT));
            c.selectedProperty().bindBidirectional(vm.settings().moduleTypeProperty(t));
            types.getChildren().add(c);
        }
        Spinner<Integer> first = intSpinner("budget-first-layer", -1, 10_000, vm.settings().firstLayerProperty());
        Spinner<Integer> last = intSpinner("budget-last-layer", -1, 10_000, vm.settings().lastLayerProperty());
        TextField regex = new TextField();
        regex.setId("budget-regex");
        regex.setPromptText("module name regex (any)");
        regex.setOnAction(e -> vm.settings().nameRegexProperty().set(regex.getText()));
        regex.focusedProperty().addListener((o, a, f) -> {
            if (!f) {
                vm.settings().nameRegexProperty().set(regex.getText());
            }
        });
        vm.settings().nameRegexProperty().addListener((o, a, b) -> regex.setText(b));
        GridPane g = grid();
        g.addRow(0, new Label("layers from"), first);
        g.addRow(1, new Label("to"), last);
        g.addRow(2, new Label("name"), regex);
        CheckBox parts = new CheckBox("Plan fused parts separately");
        parts.setId("budget-fused-parts");
        parts.setMnemonicParsing(false);
        parts.selectedProperty().bindBidirectional(vm.settings().fusedPartsProperty());
        parts.disableProperty().bind(vm.hasFusedPartsProperty().not());
        parts.setTooltip(new Tooltip("Give the q, k and v parts of a fused projection (GPT-2 c_attn, qkv_proj) "
                + "each its own rank, as plan --fused-parts does; only for checkpoints with fused projections"));
        return titled("Scope", new VBox(4, types, hint("-1 = no limit; embeddings and lm_head are off by default"), g,
                parts));
    }

    private TitledPane constraintsPane() {
        GridPane g = grid();
        g.addRow(0, new Label("min rank"), intSpinner("budget-min-rank", 0, 1_000_000, vm.settings().minRankProperty()));
        g.addRow(1, new Label("max rank (0 = none)"), intSpinner("budget-max-rank", 0, 1_000_000, vm.settings().maxRankProperty()));
        g.addRow(2, new Label("rank multiple"), intSpinner("budget-multiple", 1, 4096, vm.settings().rankMultipleProperty()));
        CheckBox dense = new CheckBox("allow keeping a matrix dense");
        dense.setId("budget-allow-dense");
        dense.selectedProperty().bindBidirectional(vm.settings().allowDenseProperty());
        return titled("Constraints", new VBox(4, g, dense));
    }

    private TitledPane comparePane() {
        FlowPane box = new FlowPane(8, 4);
        for (String name : vm.settings().strategyNames()) {
            CheckBox c = new CheckBox(name);
            c.setMnemonicParsing(false);
            c.setId("budget-compare-" + name);
            c.setSelected(vm.settings().compareStrategies().contains(name));
            c.setOnAction(e -> {
                if (c.isSelected() && !vm.settings().compareStrategies().contains(name)) {
                    vm.settings().compareStrategies().add(name);
                } else if (!c.isSelected()) {
                    vm.settings().compareStrategies().remove(name);
                }
            });
            vm.settings().compareStrategies().addListener((ListChangeListener<String>) ch -> {
                c.setSelected(vm.settings().compareStrategies().contains(name));
                c.setDisable(!c.isSelected() && vm.settings().compareStrategies().size() >= StrategyComparison.MAX_STRATEGIES);
            });
            box.getChildren().add(c);
        }
        TitledPane t = titled("Compare (up to " + StrategyComparison.MAX_STRATEGIES + ")", box);
        t.setExpanded(false);
        return t;
    }

    private TitledPane filePane() {
        MenuButton export = new MenuButton("Export plan");
        export.setId("budget-export");
        for (BudgetExportViewModel.ExportFormat f : BudgetExportViewModel.ExportFormat.values()) {
            MenuItem mi = new MenuItem(f.label() + "…");
            mi.setId("budget-export-" + f.name().toLowerCase(Locale.ROOT));
            mi.setOnAction(e -> vm.exports().export(f));
            export.getItems().add(mi);
        }
        Button importPlan = new Button("Import plan…");
        importPlan.setId("budget-import");
        importPlan.setOnAction(e -> {
            FileChooser fc = new FileChooser();
            fc.setTitle("Import plan JSON");
            fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Rankscope plan (*.json)", "*.json"));
            File f = fc.showOpenDialog(root.getScene() == null ? null : root.getScene().getWindow());
            if (f != null) {
                vm.exports().importPlan(f.toPath());
            }
        });
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.exports().exportProgressProperty());
        Button cancel = new Button("Cancel");
        cancel.setOnAction(e -> vm.exports().cancelExport());
        HBox running = new HBox(6, progress, cancel);
        running.setAlignment(Pos.CENTER_LEFT);
        running.visibleProperty().bind(vm.exports().exportTaskProperty().isNotNull());
        running.managedProperty().bind(running.visibleProperty());
        Label report = new Label();
        report.setId("budget-export-report");
        report.setWrapText(true);
        report.textProperty().bind(vm.exports().exportReportProperty());
        return titled("File", new VBox(6, new HBox(6, export, importPlan), running, report));
    }

    // ---- helpers ------------------------------------------------------------------------------

    static TitledPane titled(String title, Node content) {
        TitledPane t = new TitledPane(title, content);
        t.setId("budget-pane-" + title.toLowerCase(Locale.ROOT).split(" ")[0]);
        return t;
    }

    static Label hint(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setStyle("-fx-font-size: 0.9em; -fx-opacity: 0.75;");
        return l;
    }

    /** A label-and-field form: the labels keep their whole text, the fields take what is left. */
    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(Region.USE_PREF_SIZE);
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().setAll(labels, fields);
        return g;
    }

    private static TextField longField(String id, javafx.beans.property.LongProperty prop) {
        TextField t = new TextField(Long.toString(prop.get()));
        t.setId(id);
        t.setPrefColumnCount(12);
        Runnable commit = () -> {
            try {
                prop.set(Long.parseLong(t.getText().trim().replace(",", "").replace("_", "")));
                t.setStyle("");
            } catch (NumberFormatException e) {
                t.setStyle("-fx-border-color: #c03030;");
            }
        };
        t.setOnAction(e -> commit.run());
        t.focusedProperty().addListener((o, a, f) -> {
            if (!f) {
                commit.run();
            }
        });
        prop.addListener((o, a, b) -> t.setText(Long.toString(b.longValue())));
        t.setTooltip(new Tooltip("Press Enter to apply"));
        return t;
    }

    private static Spinner<Integer> intSpinner(String id, int min, int max, javafx.beans.property.IntegerProperty prop) {
        Spinner<Integer> s = new Spinner<>(min, max, prop.get());
        s.setId(id);
        s.setEditable(true);
        s.setPrefWidth(100);
        ObjectProperty<Integer> boxed = prop.asObject();
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        s.getProperties().put("budget-binding", boxed);   // keep the bridge reachable
        return s;
    }

    private static <T> javafx.util.StringConverter<T> converter(Function<T, String> f) {
        return new javafx.util.StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : f.apply(t);
            }

            @Override
            public T fromString(String s) {
                throw new UnsupportedOperationException("choice only");
            }
        };
    }
}
