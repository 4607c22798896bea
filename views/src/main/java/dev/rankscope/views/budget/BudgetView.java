package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.ReadableColumns;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.workbench.WorkbenchTab;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;

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
        ScrollPane controls = new ScrollPane(new BudgetControls(vm).root());
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
                new Tab("Reconstruction", reconstruction()),
                new Tab("Model", scrolledDown(new ModelLoopPane(vm.modelLoop(), vm.pictureExporter()))));
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
        // every chart of the tab, also the Model panel's quality vs size (it stayed white in the dark theme)
        ChartTheme.follow(root, theme);
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

    /** {@code pane} filling the tab, scrolled up and down when its content needs more height than the tab has. */
    private static ScrollPane scrolledDown(javafx.scene.Node pane) {
        ScrollPane scroll = new ScrollPane(pane);
        scroll.setFitToWidth(true);
        scroll.setFitToHeight(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        return scroll;
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

    // ---- results ------------------------------------------------------------------------------

    private TableView<PlannedMatrix> table() {
        table.setId("budget-table");
        table.getColumns().add(col("matrix", 260, PlannedMatrix::id));
        table.getColumns().add(col("shape", 72, PlannedMatrix::shapeString));
        table.getColumns().add(col("rank", 60, m -> m.rank() + "/" + m.fullRank()));
        table.getColumns().add(col("dense", 55, m -> !m.eligible() ? "out" : m.dense() ? "yes" : "no"));
        table.getColumns().add(col("params", 90, m -> String.format(Locale.ROOT, "%,d", m.paramsBefore())));
        table.getColumns().add(col("kept params", 100, m -> String.format(Locale.ROOT, "%,d", m.paramsAfter())));
        table.getColumns().add(col("kept bytes", 90, m -> bytes(m.bytesAfter())));
        table.getColumns().add(col("energy kept", 100, m -> String.format(Locale.ROOT, "%.5f", m.retainedEnergy())));
        table.getColumns().add(col("rel. error", 90, m -> String.format(Locale.ROOT, "%.5f", m.relativeError())));
        table.setItems(vm.rows());
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.preview().previewMatrixProperty().set(b);
            }
        });
        // the numbers need no more than their preferred width, so a wider window widens the matrix names: with
        // "flex last column" a table laid out narrow first gave every later pixel to "rel. error" and kept the
        // names cut at 1920 px
        for (TableColumn<PlannedMatrix, ?> c : table.getColumns().subList(1, table.getColumns().size())) {
            c.setMaxWidth(c.getPrefWidth());
        }
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
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
        compareTable.setPlaceholder(BudgetControls.hint("Tick strategies under Compare (left) to see them side by side"));
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
