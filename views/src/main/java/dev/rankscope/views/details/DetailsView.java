package dev.rankscope.views.details;

import javafx.beans.value.ObservableValue;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import org.controlsfx.control.PropertySheet;

import java.util.Optional;

/**
 * The Details panel (right): a read-only ControlsFX {@link PropertySheet} listing everything
 * known about the current matrix, grouped by category, each line with its definition as the
 * tooltip. FX thread only.
 */
public final class DetailsView extends BorderPane {
    private final PropertySheet sheet = new PropertySheet();

    public DetailsView(DetailsViewModel vm) {
        setId("details-view");
        getStyleClass().add("details");
        Label title = new Label();
        title.getStyleClass().add("details-title");
        title.textProperty().bind(vm.titleProperty());
        title.setWrapText(true);
        sheet.setId("details-sheet");
        sheet.setMode(PropertySheet.Mode.CATEGORY);
        sheet.setModeSwitcherVisible(false);
        sheet.setSearchBoxVisible(true);
        setTop(title);
        setCenter(sheet);
        vm.items().addListener((ListChangeListener<DetailItem>) c -> fill(vm));
        fill(vm);
    }

    /** The sheet, for tests. */
    public PropertySheet sheet() {
        return sheet;
    }

    private void fill(DetailsViewModel vm) {
        sheet.getItems().setAll(vm.items().stream().map(ReadOnlyItem::new).toList());
    }

    /** A non-editable PropertySheet line. */
    private record ReadOnlyItem(DetailItem item) implements PropertySheet.Item {
        @Override
        public Class<?> getType() {
            return String.class;
        }

        @Override
        public String getCategory() {
            return item.category();
        }

        @Override
        public String getName() {
            return item.name();
        }

        @Override
        public String getDescription() {
            return item.description();
        }

        @Override
        public Object getValue() {
            return item.value();
        }

        @Override
        public void setValue(Object value) {
            // read-only
        }

        @Override
        public boolean isEditable() {
            return false;
        }

        @Override
        public Optional<ObservableValue<? extends Object>> getObservableValue() {
            return Optional.empty();
        }
    }
}
