package dev.rankscope.views.series;

import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SweepParameters;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.Locale;

/**
 * The left side of the Series tab: the checkpoints in series order with their parsed steps
 * (Up/Down reorder them), the notes on the order, what to compute besides the spectra (update
 * spectra ΔW against the previous or the first checkpoint, intruders vs the first), Compute,
 * Cancel, the progress bar and the table exports. Binds to {@link SeriesViewModel}. FX thread only.
 */
final class SeriesListPane extends VBox {

    /** @param exports the table export buttons, shown under Compute */
    SeriesListPane(SeriesViewModel vm, javafx.scene.Node exports) {
        super(6);
        setPadding(new Insets(6));
        setMinWidth(230);
        setPrefWidth(290);
        Label source = new Label();
        source.getStyleClass().add("details-title");
        source.textProperty().bind(Bindings.createStringBinding(() -> vm.sourceProperty().get().isEmpty()
                ? "No series open" : "Series: " + vm.sourceProperty().get(), vm.sourceProperty()));
        source.setWrapText(true);

        ListView<SeriesMember> list = new ListView<>(vm.members());
        list.setId("series-members");
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(SeriesMember m, boolean empty) {
                super.updateItem(m, empty);
                setText(empty || m == null ? null : String.format(Locale.ROOT, "%d. %s%s", m.index() + 1, m.label(),
                        m.step() == null ? "  (no step)" : "  (step " + m.step() + ")"));
                setTooltip(empty || m == null ? null : new Tooltip(m.path()));
            }
        });
        list.setPlaceholder(new Label(""));   // "No series open" above and the hint over the charts say it
        VBox.setVgrow(list, Priority.ALWAYS);
        Button up = button("series-up", "Up", "Move the selected checkpoint one place earlier", () -> {
            int i = list.getSelectionModel().getSelectedIndex();
            vm.moveUp(i);
            list.getSelectionModel().select(Math.max(0, i - 1));
        });
        Button down = button("series-down", "Down", "Move the selected checkpoint one place later", () -> {
            int i = list.getSelectionModel().getSelectedIndex();
            vm.moveDown(i);
            list.getSelectionModel().select(Math.min(vm.members().size() - 1, i + 1));
        });
        up.disableProperty().bind(list.getSelectionModel().selectedIndexProperty().lessThan(1));
        down.disableProperty().bind(list.getSelectionModel().selectedIndexProperty().lessThan(0)
                .or(list.getSelectionModel().selectedIndexProperty().greaterThanOrEqualTo(Bindings.size(vm.members()).subtract(1))));

        Label notes = new Label();
        notes.setId("series-order-notes");
        notes.setWrapText(true);
        notes.getStyleClass().add("hint");
        notes.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        notes.setMaxWidth(Double.MAX_VALUE);
        notes.textProperty().bind(Bindings.createStringBinding(() -> String.join("\n", vm.orderNotes()), vm.orderNotes()));

        ComboBox<SweepParameters.Updates> updates = new ComboBox<>();
        updates.setId("series-updates");
        updates.getItems().setAll(SweepParameters.Updates.values());
        updates.valueProperty().bindBidirectional(vm.updatesProperty());
        updates.setConverter(new StringConverter<>() {
            @Override
            public String toString(SweepParameters.Updates u) {
                return u == null ? "" : switch (u) {
                    case NONE -> "No update spectra";
                    case CONSECUTIVE -> "ΔW vs previous checkpoint";
                    case FIRST -> "ΔW vs first checkpoint";
                };
            }

            @Override
            public SweepParameters.Updates fromString(String s) {
                return null;
            }
        });
        updates.setMaxWidth(Double.MAX_VALUE);
        updates.setTooltip(new Tooltip("Update spectra ΔW = W_b − W_a: relative norm, effective rank, stable rank, r(0.90) (SPEC §10)"));
        CheckBox intruders = new CheckBox("Intruders vs first checkpoint");
        intruders.setId("series-intruders");
        intruders.selectedProperty().bindBidirectional(vm.intrudersProperty());

        Button run = button("series-run", "Compute", "Analyse the series in this order with the chosen extras "
                + "(spectra from the cache when they are there)", vm::run);
        run.setDefaultButton(false);
        run.disableProperty().bind(vm.runningProperty().or(Bindings.isEmpty(vm.members())));
        Button cancel = button("series-cancel", "Cancel", "Stop the running analysis", vm::cancel);
        cancel.disableProperty().bind(vm.runningProperty().not());
        ProgressBar bar = new ProgressBar();
        bar.setId("series-progress");
        bar.progressProperty().bind(vm.progressProperty());
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.visibleProperty().bind(vm.runningProperty());
        Label stale = new Label("The order changed: Compute to update the charts.");
        stale.setWrapText(true);
        stale.getStyleClass().add("hint");
        stale.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        stale.visibleProperty().bind(vm.staleProperty());
        stale.managedProperty().bind(vm.staleProperty());

        getChildren().addAll(source, list, new HBox(6, up, down), notes, new Label("Also compute"), updates, intruders,
                new HBox(6, run, cancel), bar, stale, new Label("Export the long table"), exports);
    }

    private static Button button(String id, String text, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }
}
