package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.ReadableColumns;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.workbench.WorkbenchTab;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;

import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The Budget tab (rank budgets, SPEC §4–5): controls left (strategy with its parameter form, budget, scope,
 * constraints, strategies to compare, import/export), results right (totals, the ranks chart,
 * and below it the per-matrix table, the strategy comparison and the reconstruction preview).
 * Binds to a {@link BudgetViewModel}; holds no state of its own. FX thread only.
 */
public final class BudgetView implements WorkbenchTab {
    private final BudgetViewModel vm;
    private final BorderPane root = new BorderPane();
    private final GridPane strategyForm = new GridPane();
    private final Label strategyDescription = new Label();
    private final Label totals = new Label();
    private final JFreeChart ranksChart = BudgetCharts.ranksChart();
    private final JFreeChart comparisonChart = BudgetCharts.comparisonChart();
    private final TableView<PlannedMatrix> table = new TableView<>();
    private final TableView<StrategyComparison.Entry> compareTable = new TableView<>();
    private final HeatmapView original = new HeatmapView("heat-original", "original W");
    private final HeatmapView approximation = new HeatmapView("heat-approx", "rank-k approximation");
    private final HeatmapView residual = new HeatmapView("heat-residual", "residual W − W_k");

    /**
     * @param vm        the tab's state
     * @param executors for chart export
     * @param theme     the workbench theme (charts follow it)
     */
    public BudgetView(BudgetViewModel vm, WorkbenchExecutors executors, ObservableValue<Theme> theme) {
        this.vm = vm;
        root.setId("budget-view");
        ScrollPane controls = new ScrollPane(controls());
        controls.setFitToWidth(true);
        // narrow enough that the results keep room at 1280×800 with the explorer and details open
        controls.setMinWidth(260);
        controls.setPrefWidth(280);
        controls.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);

        ChartPane ranksPane = new ChartPane("budget-ranks-chart", "Kept rank vs full rank", ranksChart,
                "budget-ranks", vm.pictureExporter());
        ChartPane comparePane = new ChartPane("budget-compare-chart", "Per-layer error", comparisonChart,
                "budget-compare", vm.pictureExporter());
        TabPane lower = new TabPane(new Tab("Matrices", table()), new Tab("Compare", compare(comparePane)),
                new Tab("Reconstruction", reconstruction()));
        lower.setId("budget-lower-tabs");
        lower.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane results = new SplitPane(ranksPane, lower);
        results.setOrientation(Orientation.VERTICAL);
        results.setDividerPositions(0.42);

        totals.setId("budget-totals");
        totals.getStyleClass().add("budget-totals");
        totals.setWrapText(true);
        Label summary = new Label();
        summary.setId("budget-inputs");
        summary.textProperty().bind(vm.inputSummaryProperty());
        Label message = new Label();
        message.setId("budget-message");
        message.setWrapText(true);
        message.textProperty().bind(vm.messageProperty());
        message.setStyle("-fx-text-fill: #a05a00;");
        VBox top = new VBox(2, totals, summary, message);
        top.setPadding(new Insets(6, 8, 6, 8));
        BorderPane right = new BorderPane(results);
        right.setTop(top);

        SplitPane split = new SplitPane(controls, right);
        split.setDividerPositions(0.24);
        SplitPane.setResizableWithParent(controls, false);
        root.setCenter(split);

        vm.planProperty().addListener((o, a, p) -> showPlan(p));
        vm.comparisonProperty().addListener((o, a, c) -> {
            comparisonChart.getXYPlot().setDataset(BudgetCharts.comparisonDataset(c));
            compareTable.getItems().setAll(c == null ? List.of() : c.entries());
        });
        vm.preview().previewProperty().addListener((o, a, p) -> showPreview(p));
        ChartTheme.apply(ranksChart, theme.getValue());
        ChartTheme.apply(comparisonChart, theme.getValue());
        theme.addListener((o, a, b) -> {
            ChartTheme.apply(ranksChart, b);
            ChartTheme.apply(comparisonChart, b);
        });
        PictureExporter exporter = vm.pictureExporter();
        original.enableExport(exporter, "heatmap-original");
        approximation.enableExport(exporter, "heatmap-rank-k");
        residual.enableExport(exporter, "heatmap-residual");
        showPlan(vm.getPlan());
    }

    /**
     * The tab wired to the workbench: its ViewModel over {@code workbench}'s spectra with a 250 ms
     * {@link FxDebouncer}, charts following the workbench theme. FX thread only.
     */
    public static BudgetView create(dev.rankscope.views.workbench.WorkbenchViewModel workbench, BudgetServices services) {
        BudgetViewModel vm = new BudgetViewModel(workbench, services, new FxDebouncer(FxDebouncer.DEFAULT_DELAY));
        return new BudgetView(vm, workbench.executors(), workbench.themeProperty());
    }

    /** The tab's ViewModel. */
    public BudgetViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Budget";
    }

    @Override
    public Node content() {
        return root;
    }

    // ---- controls ------------------------------------------------------------------------------

    private VBox controls() {
        VBox box = new VBox(6, strategyPane(), budgetPane(), scopePane(), constraintsPane(), comparePane(), filePane());
        box.setPadding(new Insets(6));
        box.setId("budget-controls");
        return box;
    }

    private TitledPane strategyPane() {
        ComboBox<String> picker = new ComboBox<>();
        picker.setId("budget-strategy");
        picker.getItems().setAll(vm.strategyNames());
        picker.valueProperty().bindBidirectional(vm.strategyNameProperty());
        picker.setMaxWidth(Double.MAX_VALUE);
        strategyDescription.setWrapText(true);
        strategyDescription.getStyleClass().add("hint");
        strategyForm.setHgap(6);
        strategyForm.setVgap(4);
        vm.strategyProperty().addListener((o, a, b) -> buildForm(b));
        buildForm(vm.strategyProperty().get());
        return titled("Strategy", new VBox(4, picker, strategyDescription, strategyForm));
    }

    /** The parameter form, generated from the strategy's record components. */
    private void buildForm(StrategyParameters p) {
        strategyDescription.setText(p.describe());
        strategyForm.getChildren().clear();
        int row = 0;
        for (StrategyFields.Field f : StrategyFields.of(p)) {
            Node editor;
            if (f.type().isEnum()) {
                ComboBox<Object> c = new ComboBox<>();
                c.getItems().setAll(f.choices());
                c.setValue(f.value());
                c.setOnAction(e -> vm.setStrategyField(f.name(), c.getValue()));
                editor = c;
            } else if (f.type() == boolean.class) {
                CheckBox c = new CheckBox();
                c.setSelected((Boolean) f.value());
                c.setOnAction(e -> vm.setStrategyField(f.name(), c.isSelected()));
                editor = c;
            } else {
                TextField t = new TextField(String.valueOf(f.value()));
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
            strategyForm.addRow(row++, new Label(f.label()), editor);
        }
        if (row == 0) {
            strategyForm.addRow(0, hint("no parameters"));
        }
    }

    private TitledPane budgetPane() {
        ComboBox<Budget.Kind> kind = new ComboBox<>();
        kind.setId("budget-kind");
        kind.getItems().setAll(Budget.Kind.values());
        kind.valueProperty().bindBidirectional(vm.budgetKindProperty());
        kind.setConverter(converter(k -> switch (k) {
            case KEPT_FRACTION -> "kept fraction of parameters";
            case PARAMS -> "parameter count";
            case BYTES -> "bytes";
        }));
        Slider slider = new Slider(0.01, 1, vm.keptFractionProperty().get());
        slider.setId("budget-slider");
        slider.setShowTickMarks(true);
        slider.setMajorTickUnit(0.25);
        slider.valueProperty().bindBidirectional(vm.keptFractionProperty());
        Label pct = new Label();
        pct.setId("budget-slider-value");
        pct.setMinWidth(48);
        pct.textProperty().bind(vm.keptFractionProperty().multiply(100).asString(Locale.ROOT, "%.1f %%"));
        HBox sliderRow = new HBox(6, slider, pct);
        HBox.setHgrow(slider, Priority.ALWAYS);
        sliderRow.setAlignment(Pos.CENTER_LEFT);
        TextField params = longField("budget-params", vm.paramsAmountProperty());
        TextField bytes = longField("budget-bytes", vm.bytesAmountProperty());
        ComboBox<DType> dtype = new ComboBox<>();
        dtype.setId("budget-dtype");
        dtype.getItems().setAll(DType.F16, DType.BF16, DType.F32);
        dtype.valueProperty().bindBidirectional(vm.byteDTypeProperty());
        sliderRow.disableProperty().bind(vm.budgetKindProperty().isNotEqualTo(Budget.Kind.KEPT_FRACTION));
        params.disableProperty().bind(vm.budgetKindProperty().isNotEqualTo(Budget.Kind.PARAMS));
        bytes.disableProperty().bind(vm.budgetKindProperty().isNotEqualTo(Budget.Kind.BYTES));
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
            c.setId("budget-scope-" + t.name().toLowerCase(Locale.ROOT));
            c.selectedProperty().bindBidirectional(vm.moduleTypeProperty(t));
            types.getChildren().add(c);
        }
        Spinner<Integer> first = intSpinner("budget-first-layer", -1, 10_000, vm.firstLayerProperty());
        Spinner<Integer> last = intSpinner("budget-last-layer", -1, 10_000, vm.lastLayerProperty());
        TextField regex = new TextField();
        regex.setId("budget-regex");
        regex.setPromptText("module name regex (any)");
        regex.setOnAction(e -> vm.nameRegexProperty().set(regex.getText()));
        regex.focusedProperty().addListener((o, a, f) -> {
            if (!f) {
                vm.nameRegexProperty().set(regex.getText());
            }
        });
        vm.nameRegexProperty().addListener((o, a, b) -> regex.setText(b));
        GridPane g = grid();
        g.addRow(0, new Label("layers from"), first);
        g.addRow(1, new Label("to"), last);
        g.addRow(2, new Label("name"), regex);
        return titled("Scope", new VBox(4, types, hint("-1 = no limit; embeddings and lm_head are off by default"), g));
    }

    private TitledPane constraintsPane() {
        GridPane g = grid();
        g.addRow(0, new Label("min rank"), intSpinner("budget-min-rank", 0, 1_000_000, vm.minRankProperty()));
        g.addRow(1, new Label("max rank (0 = none)"), intSpinner("budget-max-rank", 0, 1_000_000, vm.maxRankProperty()));
        g.addRow(2, new Label("rank multiple"), intSpinner("budget-multiple", 1, 4096, vm.rankMultipleProperty()));
        CheckBox dense = new CheckBox("allow keeping a matrix dense");
        dense.setId("budget-allow-dense");
        dense.selectedProperty().bindBidirectional(vm.allowDenseProperty());
        return titled("Constraints", new VBox(4, g, dense));
    }

    private TitledPane comparePane() {
        FlowPane box = new FlowPane(8, 4);
        for (String name : vm.strategyNames()) {
            CheckBox c = new CheckBox(name);
            c.setId("budget-compare-" + name);
            c.setSelected(vm.compareStrategies().contains(name));
            c.setOnAction(e -> {
                if (c.isSelected() && !vm.compareStrategies().contains(name)) {
                    vm.compareStrategies().add(name);
                } else if (!c.isSelected()) {
                    vm.compareStrategies().remove(name);
                }
            });
            vm.compareStrategies().addListener((ListChangeListener<String>) ch -> {
                c.setSelected(vm.compareStrategies().contains(name));
                c.setDisable(!c.isSelected() && vm.compareStrategies().size() >= StrategyComparison.MAX_STRATEGIES);
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

    // ---- results ------------------------------------------------------------------------------

    private TableView<PlannedMatrix> table() {
        table.setId("budget-table");
        table.getColumns().add(col("matrix", 260, PlannedMatrix::id));
        table.getColumns().add(col("shape", 90, PlannedMatrix::shapeString));
        table.getColumns().add(col("rank", 60, m -> m.rank() + "/" + m.fullRank()));
        table.getColumns().add(col("dense", 55, m -> !m.eligible() ? "out" : m.dense() ? "yes" : "no"));
        table.getColumns().add(col("params before", 100, m -> String.format(Locale.ROOT, "%,d", m.paramsBefore())));
        table.getColumns().add(col("params after", 100, m -> String.format(Locale.ROOT, "%,d", m.paramsAfter())));
        table.getColumns().add(col("bytes after", 90, m -> bytes(m.bytesAfter())));
        table.getColumns().add(col("retained energy", 100, m -> String.format(Locale.ROOT, "%.5f", m.retainedEnergy())));
        table.getColumns().add(col("rel. error", 90, m -> String.format(Locale.ROOT, "%.5f", m.relativeError())));
        table.setItems(vm.rows());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.preview().previewMatrixProperty().set(b);
            }
        });
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        ReadableColumns.apply(table);
        return table;
    }

    private Node compare(ChartPane chart) {
        compareTable.setId("budget-compare-table");
        compareTable.getColumns().add(entryCol("strategy", e -> e.strategy().strategyName()));
        compareTable.getColumns().add(entryCol("kept params", e -> String.format(Locale.ROOT, "%,d",
                e.plan().totals().paramsAfter())));
        compareTable.getColumns().add(entryCol("factorised", e -> Integer.toString(e.plan().totals().factorisedCount())));
        compareTable.getColumns().add(entryCol("total rel. error", e -> String.format(Locale.ROOT, "%.5f", e.relativeError())));
        compareTable.getColumns().add(entryCol("Σ E/‖W‖²", e -> String.format(Locale.ROOT, "%.4f",
                e.normalisedDiscardedEnergy())));
        compareTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        ReadableColumns.apply(compareTable);
        compareTable.setPrefHeight(130);
        compareTable.setPlaceholder(hint("Tick strategies under Compare (left) to see them side by side"));
        VBox box = new VBox(4, compareTable, chart);
        VBox.setVgrow(chart, Priority.ALWAYS);
        return box;
    }

    private Node reconstruction() {
        Label msg = new Label();
        msg.setId("budget-preview-message");
        msg.textProperty().bind(vm.preview().previewMessageProperty());
        HBox maps = new HBox(12, original, approximation, residual);
        maps.setPadding(new Insets(6));
        return new VBox(4, msg, maps);
    }

    private void showPlan(Plan p) {
        ranksChart.getXYPlot().setDataset(BudgetCharts.ranksDataset(p));
        if (p == null) {
            totals.setText("No plan yet");
            return;
        }
        PlanTotals t = p.totals();
        totals.setText(String.format(Locale.ROOT,
                "%s · kept %,d of %,d parameters (%.1f %%) · compression %.2f× · size %s at %s (was %s) · "
                        + "%d of %d matrices factorised · relative error %.4f",
                p.strategyName(), t.paramsAfter(), t.paramsBefore(), 100 * t.keptFraction(), t.compressionRatio(),
                bytes(t.bytesAfter()), p.budget().dtype(), bytes(t.bytesBefore()), t.factorisedCount(),
                t.eligibleCount(), t.relativeError()));
    }

    private void showPreview(ReconstructionPreview p) {
        if (p == null) {
            original.show(null, 0, 0, 1, "original W");
            approximation.show(null, 0, 0, 1, "rank-k approximation");
            residual.show(null, 0, 0, 1, "residual W − W_k");
            return;
        }
        double s = p.scale();
        original.show(p.original(), p.gridRows(), p.gridCols(), s, "original W");
        approximation.show(p.approximation(), p.gridRows(), p.gridCols(), s, "rank-" + p.rank() + " approximation");
        residual.show(p.residual(), p.gridRows(), p.gridCols(), s, "residual W − W_k");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Totals label text (tests read it). */
    public Label totalsLabel() {
        return totals;
    }

    /** The ranks chart's plot (tests check its dataset). */
    public XYPlot ranksPlot() {
        return ranksChart.getXYPlot();
    }

    static String bytes(long b) {
        return dev.rankscope.views.model.ByteSizes.format(b);
    }

    private static TitledPane titled(String title, Node content) {
        TitledPane t = new TitledPane(title, content);
        t.setId("budget-pane-" + title.toLowerCase(Locale.ROOT).split(" ")[0]);
        return t;
    }

    private static Label hint(String text) {
        Label l = new Label(text);
        l.setWrapText(true);
        l.setStyle("-fx-font-size: 0.9em; -fx-opacity: 0.75;");
        return l;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
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

    private static TableColumn<PlannedMatrix, String> col(String title, double width, Function<PlannedMatrix, String> f) {
        TableColumn<PlannedMatrix, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        return c;
    }

    private static TableColumn<StrategyComparison.Entry, String> entryCol(String title,
                                                                         Function<StrategyComparison.Entry, String> f) {
        TableColumn<StrategyComparison.Entry, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(f.apply(cd.getValue())));
        return c;
    }
}
