package dev.rankscope.views.workbench;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.collections.ObservableList;
import javafx.collections.ObservableMap;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a feature tab (Budget, Compare, Report export) needs from the workbench: the open
 * checkpoints and the selection, the analyses computed so far, where work runs, dialogs, the task
 * panel and the inputs no export may touch. {@link WorkbenchViewModel} implements it; a feature
 * ViewModel depends on this narrow view, not on the whole workbench, so a test can give it a fake.
 * FX thread only.
 */
public interface WorkbenchSelection {

    /** Open checkpoints, in opening order (read-only). */
    ObservableList<CheckpointModel> checkpoints();

    /** The selected matrix, or null. */
    ReadOnlyObjectProperty<MatrixEntry> currentProperty();

    default MatrixEntry getCurrent() {
        return currentProperty().get();
    }

    /** The open checkpoint {@code entry} belongs to. */
    Optional<CheckpointModel> checkpointOf(MatrixEntry entry);

    /** Every analysis computed so far, by matrix (read-only). */
    ObservableMap<MatrixEntry, MatrixAnalysis> analyses();

    /** The analysis of {@code entry}, or null while it is not computed. */
    default MatrixAnalysis analysis(MatrixEntry entry) {
        return analyses().get(entry);
    }

    /** Opens a checkpoint (it joins {@link #checkpoints()} when its header is read). */
    void open(Path path);

    /** Shows {@code task} in the task panel until it ends. */
    TaskItemViewModel track(AbstractTask task);

    /** Every open checkpoint's inputs: no export writes onto or into them. */
    List<Path> inputs();

    /** The picture exporter that refuses {@link #inputs()}. */
    PictureExporter pictureExporter();

    /** The FX-side runner for background work. */
    BackgroundRunner runner();

    WorkbenchExecutors executors();

    DialogService dialogs();
}
