package dev.rankscope.views.spectrum;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;

import java.util.ArrayList;
import java.util.List;

/**
 * State of the spectrum view: chart datasets for the selected matrices and the chart options.
 * When the selection changes, or the analysis of a selected matrix arrives, it snapshots the
 * selected analyses on the FX thread, builds {@link SpectrumData} on the work executor and
 * applies it on the FX thread only if it is still the latest request. FX thread only.
 */
public final class SpectrumViewModel {
    private final WorkbenchViewModel workbench;
    private final LatestResultScheduler scheduler;
    private final ReadOnlyObjectWrapper<SpectrumData> data = new ReadOnlyObjectWrapper<>(SpectrumData.empty());
    private final ReadOnlyStringWrapper placeholder = new ReadOnlyStringWrapper();
    private final ReadOnlyStringWrapper approximateNote = new ReadOnlyStringWrapper("");
    private final BooleanProperty logX = new SimpleBooleanProperty(false);

    public SpectrumViewModel(WorkbenchViewModel workbench) {
        this.workbench = workbench;
        this.scheduler = new LatestResultScheduler(workbench.executors().work(), workbench.executors().ui());
        workbench.selection().addListener((ListChangeListener<MatrixEntry>) c -> refresh());
        workbench.currentProperty().addListener((o, a, b) -> refresh());
        workbench.analyses().addListener((MapChangeListener<MatrixEntry, MatrixAnalysis>) c -> {
            if (c.wasAdded() && workbench.selection().contains(c.getKey())) {
                refresh();
            }
        });
        refresh();
    }

    private void refresh() {
        List<MatrixEntry> selected = List.copyOf(workbench.selection());
        List<MatrixAnalysis> ready = new ArrayList<>();
        for (MatrixEntry e : selected) {
            MatrixAnalysis a = workbench.analysis(e);
            if (a != null) {
                ready.add(a);
            }
        }
        MatrixAnalysis primary = workbench.analysis(workbench.getCurrent());
        int topK = ready.stream().filter(a -> a.spectrum().approximate()).mapToInt(a -> a.spectrum().sigma().length)
                .max().orElse(0);
        approximateNote.set(topK == 0 ? "" : "≈ approximate (top " + topK + ")");
        int waiting = selected.size() - ready.size();
        if (selected.isEmpty()) {
            placeholder.set("Select one or more matrices in the explorer (Ctrl+click to overlay several).");
        } else if (ready.isEmpty()) {
            placeholder.set("Computing the spectrum of " + selected.get(selected.size() - 1).id() + "…");
        } else {
            placeholder.set(waiting > 0 ? waiting + " selected matrices still computing" : "");
        }
        if (ready.isEmpty()) {
            scheduler.invalidate();
            data.set(SpectrumData.empty());
            return;
        }
        scheduler.submit(() -> SpectrumDatasets.build(ready, primary), data::set,
                e -> placeholder.set("Cannot draw these spectra: " + e.getMessage()));
    }

    /** Datasets currently shown; replaced whole, never mutated. */
    public ReadOnlyObjectProperty<SpectrumData> dataProperty() {
        return data.getReadOnlyProperty();
    }

    public SpectrumData getData() {
        return data.get();
    }

    /** A hint shown over empty charts or under partial ones; "" when everything is drawn. */
    public ReadOnlyStringProperty placeholderProperty() {
        return placeholder.getReadOnlyProperty();
    }

    /**
     * "≈ approximate (top k)" while any drawn spectrum is a quick-preview top-k estimate (its
     * exact values are still computing), else "". The view shows it on the chart.
     */
    public ReadOnlyStringProperty approximateNoteProperty() {
        return approximateNote.getReadOnlyProperty();
    }

    /** Logarithmic index axis on the scree and cumulative plots. */
    public BooleanProperty logXProperty() {
        return logX;
    }
}
