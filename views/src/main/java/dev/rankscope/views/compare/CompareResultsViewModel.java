package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.Pairing;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

/**
 * The Compare tab's live view of a comparison (SPEC §3): k and ε as properties, and everything
 * derived from the cached per-pair results at them — rows, per-layer counts, the model total — plus
 * the matrix the heatmap and spectra show and the heatmap width N. Changing k or ε re-derives at
 * once without any SVD. Depends on nothing but the report it is given. FX thread only.
 */
public final class CompareResultsViewModel {
    private final DoubleProperty epsilon = new SimpleDoubleProperty(IntruderParameters.DEFAULT.epsilon());
    private final IntegerProperty k = new SimpleIntegerProperty(IntruderParameters.DEFAULT.k());
    private final IntegerProperty heatmapColumns = new SimpleIntegerProperty(CompareViewModel.DEFAULT_HEATMAP_COLUMNS);
    private final ReadOnlyIntegerWrapper heatmapColumnsMax = new ReadOnlyIntegerWrapper(1);
    private final ReadOnlyObjectWrapper<IntruderParameters> parameters =
            new ReadOnlyObjectWrapper<>(IntruderParameters.DEFAULT);
    private final ReadOnlyObjectWrapper<IntruderReport> report = new ReadOnlyObjectWrapper<>(
            new IntruderReport("", "", List.of(), new Pairing(List.of(), List.of(), List.of(), List.of()), List.of()));
    private final ObservableList<CompareRow> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<LayerIntruderCounts> layerCounts =
            new ReadOnlyObjectWrapper<>(LayerIntruderCounts.empty(IntruderParameters.DEFAULT));
    private final ReadOnlyIntegerWrapper totalIntruders = new ReadOnlyIntegerWrapper();
    private final ReadOnlyObjectWrapper<IntruderMatrixResult> selected = new ReadOnlyObjectWrapper<>();
    private boolean userSelected;

    public CompareResultsViewModel() {
        epsilon.addListener((o, a, b) -> parametersChanged());
        k.addListener((o, a, b) -> parametersChanged());
    }

    /** Forgets the selection (a new comparison starts). */
    public void clearSelection() {
        userSelected = false;
        selected.set(null);
    }

    /** ε ∈ [0, 1]: tuned vector j is an intruder when c_j &lt; ε. Live. */
    public DoubleProperty epsilonProperty() {
        return epsilon;
    }

    /** k ∈ [1, 100]: how many top tuned vectors are examined. Live. */
    public IntegerProperty kProperty() {
        return k;
    }

    /** The validated (k, ε) the derived state was computed at. */
    public ReadOnlyObjectProperty<IntruderParameters> parametersProperty() {
        return parameters.getReadOnlyProperty();
    }

    public IntruderParameters getParameters() {
        return parameters.get();
    }

    /** Heatmap width N: base vectors shown against the top-k tuned ones, 1..{@link #heatmapColumnsMaxProperty}. */
    public IntegerProperty heatmapColumnsProperty() {
        return heatmapColumns;
    }

    /** Base vectors the selected result cached ({@link IntruderMatrixResult#overlapCols()}). */
    public ReadOnlyIntegerProperty heatmapColumnsMaxProperty() {
        return heatmapColumnsMax.getReadOnlyProperty();
    }

    private void parametersChanged() {
        double e = Math.max(0, Math.min(1, epsilon.get()));
        int kk = Math.max(1, Math.min(IntruderParameters.K_MAX, k.get()));
        if (e != epsilon.get()) {
            epsilon.set(e);
            return;
        }
        if (kk != k.get()) {
            k.set(kk);
            return;
        }
        parameters.set(new IntruderParameters(kk, e));
        derive();
    }

    /**
     * Shows {@code newReport} (the comparison so far): rows, counts and totals at the current
     * (k, ε); unless the user picked a matrix, the one with the most intruders is selected.
     */
    public void update(IntruderReport newReport) {
        report.set(newReport);
        List<IntruderMatrixResult> results = newReport.matrices();
        if (!userSelected && !results.isEmpty()) {
            IntruderMatrixResult best = results.get(0);
            IntruderParameters p = parameters.get();
            for (IntruderMatrixResult r : results) {
                if (r.intruderCount(p) > best.intruderCount(p)) {
                    best = r;
                }
            }
            setSelected(best);
        }
        derive();
    }

    /** Re-derives rows, layer counts and totals from the cached results at the current (k, ε). */
    private void derive() {
        IntruderParameters p = parameters.get();
        IntruderReport r = report.get();
        List<CompareRow> newRows = new ArrayList<>(r.matrices().size());
        for (IntruderMatrixResult m : r.matrices()) {
            newRows.add(CompareRow.of(m, p));
        }
        rows.setAll(newRows);
        layerCounts.set(LayerIntruderCounts.of(r, p));
        totalIntruders.set(r.total(p));
    }

    /** Everything compared so far, as the CLI would export it. */
    public ReadOnlyObjectProperty<IntruderReport> reportProperty() {
        return report.getReadOnlyProperty();
    }

    public IntruderReport getReport() {
        return report.get();
    }

    /** One row per compared matrix at the current (k, ε), in pairing order. */
    public ObservableList<CompareRow> rows() {
        return FXCollections.unmodifiableObservableList(rows);
    }

    /** The bar chart's stacks at the current (k, ε). A new value on every change. */
    public ReadOnlyObjectProperty<LayerIntruderCounts> layerCountsProperty() {
        return layerCounts.getReadOnlyProperty();
    }

    /** Model total at the current (k, ε). */
    public ReadOnlyIntegerProperty totalIntrudersProperty() {
        return totalIntruders.getReadOnlyProperty();
    }

    /** The matrix the heatmap and spectra show. */
    public ReadOnlyObjectProperty<IntruderMatrixResult> selectedProperty() {
        return selected.getReadOnlyProperty();
    }

    /** Shows {@code result} in the heatmap and spectra (the user's choice sticks). */
    public void select(IntruderMatrixResult result) {
        userSelected = result != null;
        setSelected(result);
    }

    private void setSelected(IntruderMatrixResult result) {
        if (result == selected.get()) {
            return;
        }
        selected.set(result);
        if (result != null) {
            heatmapColumnsMax.set(result.overlapCols());
            if (heatmapColumns.get() > result.overlapCols()) {
                heatmapColumns.set(result.overlapCols());
            }
        }
    }
}
