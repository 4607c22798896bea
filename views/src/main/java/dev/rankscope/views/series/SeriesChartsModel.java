package dev.rankscope.views.series;

import dev.rankscope.application.sweep.SeriesPlots;
import dev.rankscope.application.sweep.SeriesQuantity;
import dev.rankscope.application.sweep.SweepResult;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;

/**
 * What the Series tab's charts show (issue 17 item 1): the quantity (a metric, an update metric
 * or the intruder count, {@link SeriesQuantity}), the trajectory scope (one matrix, one module type
 * with a line per layer, or one layer with a line per module type) and the heatmap's module type,
 * with the choices the current result offers, and the chart data ({@link SeriesPlots}) recomputed
 * whenever the result or a choice changes. A choice the new result does not offer falls back to
 * the first one it does. FX thread only.
 */
public final class SeriesChartsModel {
    private final ObservableValue<SweepResult> result;
    private final ObjectProperty<SeriesQuantity> quantity = new SimpleObjectProperty<>(SeriesQuantity.named("effective_rank"));
    private final ObjectProperty<SeriesPlots.ScopeKind> scopeKind = new SimpleObjectProperty<>(SeriesPlots.ScopeKind.MODULE);
    private final StringProperty scopeValue = new SimpleStringProperty();
    private final StringProperty heatmapModule = new SimpleStringProperty();
    private final ObservableList<SeriesQuantity> quantities = FXCollections.observableArrayList();
    private final ObservableList<String> scopeValues = FXCollections.observableArrayList();
    private final ObservableList<String> modules = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<SeriesPlots.Trajectories> trajectories = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<SeriesPlots.Heatmap> heatmap = new ReadOnlyObjectWrapper<>();
    private boolean updating;

    SeriesChartsModel(ObservableValue<SweepResult> result) {
        this.result = result;
        result.addListener((o, a, b) -> choicesChanged());
        quantity.addListener((o, a, b) -> recompute());
        scopeKind.addListener((o, a, b) -> choicesChanged());
        scopeValue.addListener((o, a, b) -> recompute());
        heatmapModule.addListener((o, a, b) -> recompute());
    }

    private void choicesChanged() {
        SweepResult r = result.getValue();
        updating = true;
        try {
            quantities.setAll(r == null ? List.of() : SeriesQuantity.presentIn(r.rows()));
            if (!quantities.isEmpty() && !quantities.contains(quantity.get())) {
                quantity.set(quantities.get(0));
            }
            modules.setAll(r == null ? List.of() : SeriesPlots.modules(r));
            scopeValues.setAll(r == null ? List.of() : switch (scopeKind.get()) {
                case MATRIX -> SeriesPlots.matrices(r);
                case MODULE -> modules;
                case LAYER -> SeriesPlots.layers(r).stream().map(String::valueOf).toList();
            });
            if (!scopeValues.contains(scopeValue.get())) {
                scopeValue.set(scopeValues.isEmpty() ? null : scopeValues.get(0));
            }
            if (!modules.contains(heatmapModule.get())) {
                heatmapModule.set(modules.isEmpty() ? null : modules.get(0));
            }
        } finally {
            updating = false;
        }
        recompute();
    }

    private void recompute() {
        if (updating) {
            return;
        }
        SweepResult r = result.getValue();
        SeriesQuantity q = quantity.get();
        boolean ready = r != null && q != null;
        trajectories.set(ready && scopeValue.get() != null
                ? SeriesPlots.trajectories(r, q, new SeriesPlots.Scope(scopeKind.get(), scopeValue.get())) : null);
        heatmap.set(ready && heatmapModule.get() != null ? SeriesPlots.heatmap(r, q, heatmapModule.get()) : null);
    }

    public ObjectProperty<SeriesQuantity> quantityProperty() {
        return quantity;
    }

    public ObjectProperty<SeriesPlots.ScopeKind> scopeKindProperty() {
        return scopeKind;
    }

    /** A matrix id, module label or layer index, per {@link #scopeKindProperty()}. */
    public StringProperty scopeValueProperty() {
        return scopeValue;
    }

    public StringProperty heatmapModuleProperty() {
        return heatmapModule;
    }

    /** Quantities with at least one value in the result. */
    public ObservableList<SeriesQuantity> quantities() {
        return quantities;
    }

    /** Matrices, module types or layers of the result, per the scope kind. */
    public ObservableList<String> scopeValues() {
        return scopeValues;
    }

    /** Module types of the result. */
    public ObservableList<String> modules() {
        return modules;
    }

    public ReadOnlyObjectProperty<SeriesPlots.Trajectories> trajectoriesProperty() {
        return trajectories.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SeriesPlots.Heatmap> heatmapProperty() {
        return heatmap.getReadOnlyProperty();
    }
}
