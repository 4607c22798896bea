package dev.rankscope.views.layermap;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.views.model.Metric;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * State of the layer map: which checkpoint is mapped (follows the current selection unless the
 * user picks one), the metric (shared with the explorer's badges through
 * {@link WorkbenchViewModel#metricProperty()}), and the {@link LayerGrid} built off the FX
 * thread from a snapshot of the analyses. Clicking a cell selects its matrices everywhere.
 * FX thread only.
 */
public final class LayerMapViewModel {
    private final WorkbenchViewModel workbench;
    private final LatestResultScheduler scheduler;
    private final ObjectProperty<CheckpointModel> checkpoint = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<LayerGrid> grid;

    public LayerMapViewModel(WorkbenchViewModel workbench) {
        this.workbench = workbench;
        this.scheduler = new LatestResultScheduler(workbench.executors().work(), workbench.executors().ui());
        this.grid = new ReadOnlyObjectWrapper<>(LayerGrid.empty(workbench.metricProperty().get()));
        workbench.metricProperty().addListener((o, a, b) -> refresh());
        checkpoint.addListener((o, a, b) -> refresh());
        workbench.currentProperty().addListener((o, a, b) ->
                workbench.checkpointOf(b).ifPresent(checkpoint::set));
        workbench.checkpoints().addListener((ListChangeListener<CheckpointModel>) c -> {
            if (checkpoint.get() == null || !workbench.checkpoints().contains(checkpoint.get())) {
                checkpoint.set(workbench.checkpoints().isEmpty() ? null
                        : workbench.checkpoints().get(workbench.checkpoints().size() - 1));
            }
        });
        workbench.analyses().addListener((MapChangeListener<MatrixEntry, MatrixAnalysis>) c -> {
            CheckpointModel cp = checkpoint.get();
            if (cp != null && c.getKey().checkpoint().equals(cp.opened().path())) {
                refresh();
            }
        });
        refresh();
    }

    private void refresh() {
        Metric metric = workbench.metricProperty().get();
        CheckpointModel cp = checkpoint.get();
        if (cp == null) {
            scheduler.invalidate();
            grid.set(LayerGrid.empty(metric));
            return;
        }
        List<MatrixEntry> entries = cp.matrices();
        Map<MatrixEntry, MatrixAnalysis> snapshot = new HashMap<>();
        for (MatrixEntry e : entries) {
            MatrixAnalysis a = workbench.analysis(e);
            if (a != null) {
                snapshot.put(e, a);
            }
        }
        scheduler.submit(() -> LayerGrid.build(entries, snapshot::get, metric), grid::set,
                e -> grid.set(LayerGrid.empty(metric)));
    }

    /** Selects the cell's matrices everywhere (the first one becomes current). */
    public void selectCell(LayerGrid.Cell cell) {
        if (cell != null && !cell.entries().isEmpty()) {
            workbench.select(cell.entries(), cell.entries().get(0));
        }
    }

    /** The mapped checkpoint; follows the selection, settable by the user. */
    public ObjectProperty<CheckpointModel> checkpointProperty() {
        return checkpoint;
    }

    /** Shared metric (also the explorer's badge). */
    public ObjectProperty<Metric> metricProperty() {
        return workbench.metricProperty();
    }

    /** The grid currently shown; replaced whole. */
    public ReadOnlyObjectProperty<LayerGrid> gridProperty() {
        return grid.getReadOnlyProperty();
    }

    public LayerGrid getGrid() {
        return grid.get();
    }

    public WorkbenchViewModel workbench() {
        return workbench;
    }
}
