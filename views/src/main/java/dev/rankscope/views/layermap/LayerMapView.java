package dev.rankscope.views.layermap;

import dev.rankscope.views.fx.EmptyHint;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.views.model.Metric;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchTab;
import javafx.collections.ListChangeListener;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import dev.rankscope.views.charts.PictureExporter;
import javafx.scene.control.ComboBox;
import javafx.scene.control.MenuButton;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.paint.Color;
import javafx.scene.shape.Rectangle;

import java.util.HashSet;
import java.util.Set;

/**
 * The Layer map tab: a heatmap with one row per layer and one column per module type, each cell
 * coloured by the chosen metric (viridis; grey while not analysed) with its value printed, a
 * legend with the scale's ends, and a metric and checkpoint chooser. Clicking a cell selects its
 * matrices everywhere; cells of selected matrices are outlined. FX thread only.
 */
public final class LayerMapView extends BorderPane implements WorkbenchTab {
    private static final double CELL_W = 74;
    private static final double CELL_H = 26;

    private final LayerMapViewModel vm;
    private final GridPane grid = new GridPane();
    private final Label legendMin = new Label();
    private final Label legendMax = new Label();
    private final Label legendTitle = new Label();

    public LayerMapView(LayerMapViewModel vm) {
        this.vm = vm;
        setId("layermap-view");
        ComboBox<Metric> metric = new ComboBox<>();
        metric.setId("layermap-metric");
        metric.getItems().setAll(Metric.values());
        metric.valueProperty().bindBidirectional(vm.metricProperty());
        ComboBox<CheckpointModel> checkpoint = new ComboBox<>(vm.workbench().checkpoints());
        checkpoint.setId("layermap-checkpoint");
        checkpoint.valueProperty().bindBidirectional(vm.checkpointProperty());
        checkpoint.setPromptText("no checkpoint open");
        Label metricLabel = new Label("Colour by");
        Label cpLabel = new Label("Checkpoint");
        PictureExporter exporter = vm.workbench().pictureExporter();
        MenuButton export = new MenuButton("Export");
        export.setId("layermap-export");
        export.getItems().setAll(exporter.menuItems("layermap", "layer-map", () -> PictureExporter.onScreen(grid),
                () -> new LayerGridPicture(vm.getGrid())));
        export.setTooltip(new Tooltip("Export the layer map as PNG or SVG at a chosen size"));
        HBox toolbar = new HBox(8, metricLabel, metric, cpLabel, checkpoint, export);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.setPadding(new Insets(4, 8, 4, 8));
        toolbar.getStyleClass().add("view-toolbar");
        metric.setTooltip(new Tooltip("The metric that colours the cells (also shown as the explorer's badge)"));

        grid.setId("layermap-grid");
        grid.setHgap(2);
        grid.setVgap(2);
        grid.setPadding(new Insets(10));
        grid.getStyleClass().add("layermap-grid");
        ScrollPane scroll = new ScrollPane(grid);
        // the grid takes the view's width and its columns narrow down to their widest text (1280×800 with the
        // explorer and details open showed only part of the embed column); scrolls sideways only below that
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("layermap-scroll");
        exporter.install(grid, "layer-map", () -> new LayerGridPicture(vm.getGrid()));

        Rectangle bar = new Rectangle(220, 12, ColorScale.gradient());
        legendTitle.getStyleClass().add("legend-title");
        HBox legend = new HBox(8, legendTitle, legendMin, bar, legendMax, missingSwatch());
        legend.setId("layermap-legend");
        legend.setAlignment(Pos.CENTER_LEFT);
        legend.setPadding(new Insets(6, 10, 6, 10));
        legend.getStyleClass().add("legend");

        setTop(toolbar);
        setCenter(scroll);
        setBottom(legend);
        vm.gridProperty().addListener((o, a, b) -> render(b));
        vm.workbench().selection().addListener((ListChangeListener<MatrixEntry>) c -> render(vm.getGrid()));
        render(vm.getGrid());
    }

    /** The map's ViewModel (its grid is built on the work executor and replaced whole). */
    public LayerMapViewModel viewModel() {
        return vm;
    }

    @Override
    public String title() {
        return "Layer map";
    }

    @Override
    public Node content() {
        return this;
    }

    private static Node missingSwatch() {
        Rectangle r = new Rectangle(12, 12, ColorScale.MISSING);
        Label l = new Label("not analysed / n.a.", r);
        l.getStyleClass().add("hint");
        return l;
    }

    private void render(LayerGrid g) {
        grid.getChildren().clear();
        grid.getColumnConstraints().clear();
        legendTitle.setText(g.metric().label());
        legendMin.setText(Metric.formatValue(g.min()));
        legendMax.setText(Metric.formatValue(g.max()));
        if (g.rows().isEmpty()) {
            grid.add(EmptyHint.line("layermap-empty", "Open a checkpoint to see its layer map."), 0, 0);
            return;
        }
        ColumnConstraints first = new ColumnConstraints();
        first.setHalignment(HPos.RIGHT);
        grid.getColumnConstraints().add(first);
        for (int c = 0; c < g.columns().size(); c++) {
            Label h = new Label(g.columns().get(c).label());
            h.getStyleClass().add("layermap-header");
            h.setMinWidth(Region.USE_PREF_SIZE);
            h.setMaxWidth(Double.MAX_VALUE);
            h.setAlignment(Pos.CENTER);
            grid.add(h, c + 1, 0);
            grid.getColumnConstraints().add(cellColumn());
        }
        Set<MatrixEntry> selected = new HashSet<>(vm.workbench().selection());
        for (int r = 0; r < g.rows().size(); r++) {
            int layer = g.rows().get(r);
            Label rowLabel = new Label(layer >= 0 ? "layer " + layer : "model");
            rowLabel.getStyleClass().add("layermap-row-label");
            rowLabel.setMinWidth(Region.USE_PREF_SIZE);
            grid.add(rowLabel, 0, r + 1);
            for (int c = 0; c < g.columns().size(); c++) {
                ModuleType module = g.columns().get(c);
                LayerGrid.Cell cell = g.cell(layer, module);
                if (cell != null) {
                    grid.add(cellNode(g, layer, module, cell, selected), c + 1, r + 1);
                }
            }
        }
    }

    private static ColumnConstraints cellColumn() {
        return narrowingColumn(CELL_W);
    }

    /**
     * A heatmap's module column (this tab's, the Quantize tab's): {@code width} px wide when the view has
     * room, narrower down to its widest text (header or value; give the labels a minimum width of their
     * preferred width) when it has not, every column giving up width alike.
     */
    public static ColumnConstraints narrowingColumn(double width) {
        ColumnConstraints column = new ColumnConstraints();
        column.setPrefWidth(width);
        column.setMaxWidth(width);
        column.setHgrow(Priority.ALWAYS);
        column.setHalignment(HPos.CENTER);
        column.setFillWidth(true);
        return column;
    }

    private Node cellNode(LayerGrid g, int layer, ModuleType module, LayerGrid.Cell cell, Set<MatrixEntry> selected) {
        Color fill = ColorScale.at(g.normalised(cell.value()));
        Region bg = new Region();
        bg.setBackground(new javafx.scene.layout.Background(new javafx.scene.layout.BackgroundFill(fill,
                new javafx.scene.layout.CornerRadii(3), Insets.EMPTY)));
        Label value = new Label(Double.isNaN(cell.value()) ? ""
                : (cell.approximate() ? "≈ " : "") + g.metric().format(cell.value()));
        // inline style: stylesheet text colours (themes) must not override the contrast choice
        value.setStyle(ColorScale.prefersDarkText(fill) ? "-fx-text-fill: #111111;" : "-fx-text-fill: white;");
        value.getStyleClass().add("layermap-value");
        value.setMinWidth(Region.USE_PREF_SIZE);
        value.setPadding(new Insets(0, 3, 0, 3));
        StackPane node = new StackPane(bg, value);
        node.setMinHeight(CELL_H);
        node.setPrefSize(CELL_W, CELL_H);
        node.setMaxWidth(Double.MAX_VALUE);
        node.getStyleClass().add("layermap-cell");
        node.setId("cell-" + (layer >= 0 ? layer : "model") + "-" + module.label());
        boolean isSelected = cell.entries().stream().anyMatch(selected::contains);
        if (isSelected) {
            node.getStyleClass().add("selected");
        }
        StringBuilder tip = new StringBuilder();
        tip.append(layer >= 0 ? "layer " + layer : "outside the blocks").append(" · ").append(module.label()).append('\n');
        tip.append(g.metric().label()).append(" = ").append(Metric.formatValue(cell.value()));
        if (cell.entries().size() > 1) {
            tip.append(" (mean of ").append(cell.analysed()).append(" of ").append(cell.entries().size()).append(")");
        }
        tip.append('\n').append(cell.entries().get(0).id());
        Tooltip.install(node, new Tooltip(tip.toString()));
        node.setOnMouseClicked(e -> vm.selectCell(cell));
        return node;
    }
}
