package dev.rankscope.views.details;

import javafx.collections.ListChangeListener;
import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.Priority;

import java.util.function.Supplier;

/**
 * The Details panel (right): every {@link DetailItem} of the current matrix in a two-column
 * property grid, grouped under category headings, all visible at once (a ControlsFX
 * PropertySheet collapses all but one category, which hid most metrics), each line with its
 * definition as the tooltip. Long names wrap at their '.', '_' and '/' (never mid-word), and every value has
 * right-click ▸ Copy. FX thread only.
 */
public final class DetailsView extends BorderPane {
    private final GridPane grid = new GridPane();

    public DetailsView(DetailsViewModel vm) {
        setId("details-view");
        getStyleClass().add("details");
        Label title = new Label();
        title.getStyleClass().add("details-title");
        NameWrap.install(title, vm.titleProperty());
        title.setContextMenu(copyMenu(vm.titleProperty()::get));
        title.setWrapText(true);
        title.setMaxWidth(Double.MAX_VALUE);
        grid.setId("details-grid");
        grid.setHgap(10);
        grid.setVgap(3);
        grid.setPadding(new Insets(6, 10, 10, 10));
        ColumnConstraints names = new ColumnConstraints();
        names.setHalignment(HPos.LEFT);
        names.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        grid.getColumnConstraints().setAll(names, values);
        ScrollPane scroll = new ScrollPane(grid);
        scroll.setFitToWidth(true);
        scroll.getStyleClass().add("details-scroll");
        setTop(title);
        setCenter(scroll);
        vm.items().addListener((ListChangeListener<DetailItem>) c -> fill(vm));
        fill(vm);
    }

    /** Right-click ▸ Copy: the whole text, without the line breaks it is shown with. */
    private static ContextMenu copyMenu(Supplier<String> text) {
        MenuItem copy = new MenuItem("Copy");
        copy.setOnAction(e -> {
            ClipboardContent content = new ClipboardContent();
            content.putString(text.get());
            Clipboard.getSystemClipboard().setContent(content);
        });
        return new ContextMenu(copy);
    }

    /** The grid, for tests. */
    public GridPane grid() {
        return grid;
    }

    private void fill(DetailsViewModel vm) {
        grid.getChildren().clear();
        String category = null;
        int row = 0;
        for (DetailItem item : vm.items()) {
            if (!item.category().equals(category)) {
                category = item.category();
                Label heading = new Label(category);
                heading.getStyleClass().add("details-category");
                GridPane.setColumnSpan(heading, 2);
                GridPane.setMargin(heading, new Insets(row == 0 ? 0 : 8, 0, 2, 0));
                grid.add(heading, 0, row++);
            }
            Label name = new Label(item.name());
            name.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            name.getStyleClass().add("details-name");
            Label value = new Label();
            NameWrap.install(value, new javafx.beans.property.SimpleStringProperty(item.value()));
            value.getStyleClass().add("details-value");
            value.setContextMenu(copyMenu(item::value));
            Tooltip tip = new Tooltip(item.description());
            name.setTooltip(tip);
            value.setTooltip(new Tooltip(item.value() + "\n" + item.description()));
            grid.add(name, 0, row);
            grid.add(value, 1, row++);
        }
    }
}
