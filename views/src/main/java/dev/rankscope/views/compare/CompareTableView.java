package dev.rankscope.views.compare;

import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import dev.rankscope.views.fx.ReadableColumns;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.BorderPane;

import java.util.Locale;
import java.util.function.Function;

/**
 * The Compare tab's matrix table at the current (k, ε): matrix, layer, module, shape, intruder
 * count and ranks, min c_j, ΔW effective and stable rank, spectral distance — the columns
 * {@code rankscope intruders} prints — above a totals line. Selecting a row shows that matrix in
 * the heatmap and spectra. Sortable; FX thread only.
 */
final class CompareTableView extends BorderPane {
    private final TableView<CompareRow> table = new TableView<>();
    private final Label totals = new Label();

    CompareTableView(CompareViewModel vm) {
        setId("compare-table");
        table.setId("compare-table-view");
        table.setItems(vm.results().rows());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No comparison yet"));
        TableColumn<CompareRow, String> name = text("matrix", CompareRow::name);
        name.setPrefWidth(260);
        table.getColumns().add(name);
        table.getColumns().add(number("layer", r -> r.layer() < 0 ? null : (double) r.layer(), "%.0f", 50));
        table.getColumns().add(text("module", CompareRow::module));
        table.getColumns().add(text("shape", CompareRow::shape));
        TableColumn<CompareRow, Number> count = number("intruders", r -> (double) r.intruders(), "%.0f", 70);
        count.setId("compare-col-intruders");
        table.getColumns().add(count);
        table.getColumns().add(text("ranks", CompareRow::ranks));
        table.getColumns().add(number("min c_j", CompareRow::minCosine, "%.4f", 70));
        table.getColumns().add(number("ΔW erank", CompareRow::deltaEffectiveRank, "%.3f", 75));
        table.getColumns().add(number("ΔW srank", CompareRow::deltaStableRank, "%.3f", 75));
        table.getColumns().add(number("spec dist", CompareRow::spectralDistance, "%.4g", 75));
        ReadableColumns.apply(table);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && b.result() != vm.results().selectedProperty().get()) {
                vm.results().select(b.result());
            }
        });
        vm.results().selectedProperty().addListener((o, a, b) -> {
            CompareRow sel = table.getSelectionModel().getSelectedItem();
            if (b != null && (sel == null || sel.result() != b)) {
                vm.results().rows().stream().filter(r -> r.result() == b).findFirst().ifPresent(r -> {
                    table.getSelectionModel().select(r);
                });
            }
        });
        totals.setId("compare-totals");
        totals.getStyleClass().add("hint");
        totals.setPadding(new Insets(3, 6, 3, 6));
        Runnable updateTotals = () -> totals.setText(totalsText(vm));
        vm.results().totalIntrudersProperty().addListener((o, a, b) -> updateTotals.run());
        vm.results().layerCountsProperty().addListener((o, a, b) -> updateTotals.run());
        updateTotals.run();
        setTop(totals);
        setCenter(table);
    }

    private static String totalsText(CompareViewModel vm) {
        var p = vm.results().getParameters();
        LayerIntruderCounts counts = vm.results().layerCountsProperty().get();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Total: %d intruders in %d matrices (k = %d, ε = %.2f)",
                vm.results().totalIntrudersProperty().get(), vm.results().rows().size(), p.k(), p.epsilon()));
        if (!counts.layers().isEmpty()) {
            sb.append("   ·   per layer: ");
            for (int li = 0; li < counts.layers().size(); li++) {
                int s = 0;
                for (int mi = 0; mi < counts.modules().size(); mi++) {
                    s += counts.count(mi, li);
                }
                int layer = counts.layers().get(li);
                sb.append(li == 0 ? "" : ", ").append(layer < 0 ? "other" : Integer.toString(layer)).append(": ").append(s);
            }
        }
        return sb.toString();
    }

    private static TableColumn<CompareRow, String> text(String title, Function<CompareRow, String> f) {
        TableColumn<CompareRow, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
        return c;
    }

    private static TableColumn<CompareRow, Number> number(String title, Function<CompareRow, Double> f, String format,
                                                          double width) {
        TableColumn<CompareRow, Number> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyObjectWrapper<>(f.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Number v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null ? null : Double.isFinite(v.doubleValue())
                        ? String.format(Locale.ROOT, format, v.doubleValue()) : "∞");
                getStyleClass().remove("numeric");
                getStyleClass().add("numeric");
            }
        });
        c.setStyle("-fx-alignment: CENTER-RIGHT;");
        return c;
    }

    TableView<CompareRow> table() {
        return table;
    }
}
