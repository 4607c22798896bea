package dev.rankscope.views.table;

import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.fx.ReadableColumns;
import dev.rankscope.views.workbench.WorkbenchTab;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.ListChangeListener;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.HBox;

import java.util.Comparator;
import java.util.List;

/**
 * The Metrics table tab: one row per analysed matrix with the CLI's columns, sortable (click
 * headers, Shift-click for secondary keys), filterable, Ctrl+C / Copy puts the selected rows (or
 * all shown rows) on the clipboard as tab-separated text, Export CSV writes the shown rows in
 * their shown order. Selecting rows selects the matrices everywhere. FX thread only.
 */
public final class MetricsTableView extends BorderPane implements WorkbenchTab {
    private final MetricsTableViewModel vm;
    private final TableView<MetricsRow> table = new TableView<>();
    private final Label count = new Label();
    private boolean syncing;

    public MetricsTableView(MetricsTableViewModel vm, dev.rankscope.views.workbench.WorkbenchViewModel workbench) {
        this.vm = vm;
        setId("table-view");
        TextField filter = new TextField();
        filter.setId("table-filter");
        filter.setPromptText("Filter rows by name or module…");
        filter.textProperty().bindBidirectional(vm.filterTextProperty());
        filter.setPrefColumnCount(28);
        Button copy = new Button("Copy");
        copy.setId("table-copy");
        copy.setTooltip(new Tooltip("Copy the selected rows (or all shown rows) as tab-separated text  (Ctrl+C)"));
        copy.setOnAction(e -> copy());
        Button export = new Button("Export CSV…");
        export.setId("table-export");
        export.setOnAction(e -> workbench.dialogs().chooseSaveFile("Export metrics as CSV", "metrics.csv", "csv")
                .ifPresent(p -> vm.exportCsv(List.copyOf(table.getItems()), p)));
        Button exportWw = new Button("Export WW CSV…");
        exportWw.setId("table-export-ww");
        exportWw.setTooltip(new Tooltip("The shown rows as WeightWatcher 0.7.5.5's details table (its column names and units)"));
        exportWw.setOnAction(e -> workbench.dialogs().chooseSaveFile("Export as WeightWatcher details CSV", "details.csv", "csv")
                .ifPresent(p -> vm.exportWeightWatcherCsv(List.copyOf(table.getItems()), p)));
        for (Region fixed : List.of(copy, export, exportWw, count)) {
            fixed.setMinWidth(Region.USE_PREF_SIZE); // the filter field gives way in a narrow window
        }
        filter.setMinWidth(120);
        HBox toolbar = new HBox(8, filter, copy, export, exportWw, count);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.setPadding(new Insets(4, 8, 4, 8));
        toolbar.getStyleClass().add("view-toolbar");

        table.setId("metrics-table");
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setPlaceholder(new Label("No analysed matrices yet."));
        for (MetricsColumns.Column c : MetricsColumns.ALL) {
            table.getColumns().add(column(c));
        }
        SortedList<MetricsRow> sorted = new SortedList<>(vm.rows());
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        count.getStyleClass().add("hint");
        sorted.addListener((ListChangeListener<MetricsRow>) c -> count.setText(sorted.size() + " rows"));
        count.setText(sorted.size() + " rows");
        table.setOnKeyPressed(e -> {
            if (new KeyCodeCombination(KeyCode.C, KeyCombination.SHORTCUT_DOWN).match(e)) {
                copy();
                e.consume();
            }
        });
        table.getSelectionModel().getSelectedItems().addListener((ListChangeListener<MetricsRow>) c -> {
            if (!syncing) {
                syncing = true;
                try {
                    vm.select(List.copyOf(table.getSelectionModel().getSelectedItems()));
                } finally {
                    syncing = false;
                }
            }
        });
        workbench.currentProperty().addListener((o, a, b) -> follow(b));
        setTop(toolbar);
        setCenter(table);
    }

    @Override
    public String title() {
        return "Metrics table";
    }

    @Override
    public Node content() {
        return this;
    }

    /** The table, for tests. */
    public TableView<MetricsRow> table() {
        return table;
    }

    private void follow(MatrixEntry current) {
        if (syncing || current == null) {
            return;
        }
        syncing = true;
        try {
            for (int i = 0; i < table.getItems().size(); i++) {
                if (table.getItems().get(i).entry().equals(current)) {
                    if (!table.getSelectionModel().isSelected(i)) {
                        table.getSelectionModel().clearAndSelect(i);
                        table.scrollTo(Math.max(0, i - 3));
                    }
                    return;
                }
            }
        } finally {
            syncing = false;
        }
    }

    private void copy() {
        List<MetricsRow> rows = table.getSelectionModel().getSelectedItems().isEmpty()
                ? List.copyOf(table.getItems()) : List.copyOf(table.getSelectionModel().getSelectedItems());
        ClipboardContent content = new ClipboardContent();
        content.putString(MetricsTableViewModel.toTsv(rows));
        Clipboard.getSystemClipboard().setContent(content);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static TableColumn<MetricsRow, Object> column(MetricsColumns.Column c) {
        TableColumn<MetricsRow, Object> col = new TableColumn<>(c.header());
        col.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(c.value().apply(cd.getValue())));
        col.setComparator((Comparator) VALUE_ORDER);
        col.setCellFactory(tc -> new TableCell<>() {
            @Override
            protected void updateItem(Object item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : MetricsColumns.format(item));
                setAlignment(item instanceof Number ? Pos.CENTER_RIGHT : Pos.CENTER_LEFT);
            }
        });
        Label header = new Label(c.header());
        header.setTooltip(new Tooltip(c.tooltip()));
        col.setGraphic(header);
        col.setText("");
        col.setPrefWidth(c.header().equals("name") ? 300 : Math.max(70, ReadableColumns.headerWidth(c.header())));
        return col;
    }

    /** Numbers numerically with NaN last, strings lexicographically. */
    private static final Comparator<Object> VALUE_ORDER = (a, b) -> {
        if (a instanceof Number x && b instanceof Number y) {
            double dx = x.doubleValue();
            double dy = y.doubleValue();
            if (Double.isNaN(dx) || Double.isNaN(dy)) {
                return Boolean.compare(Double.isNaN(dx), Double.isNaN(dy));
            }
            return Double.compare(dx, dy);
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    };
}
