package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.workbench.CheckpointModel;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The Budget tab's reconstruction preview: for the matrix selected in the plan table, W, its
 * rank-k reconstruction at the planned rank and their difference ({@link ReconstructionPreview},
 * SPEC §4), with the measured relative error next to the plan's. The matrix is read and decomposed
 * once on the work executor and its SVD kept, so rank changes of the same matrix only rebuild the
 * picture; a result arriving after a newer selection is dropped ({@link BackgroundRunner.Latest}).
 *
 * <p>Depends only on the checkpoint the tab plans for (an observable value) and the
 * {@link BudgetServices} port, so tests need no workbench. FX thread only.
 */
public final class BudgetPreviewViewModel {
    private final BudgetServices services;
    private final BackgroundRunner runner;
    private final ObservableValue<CheckpointModel> checkpoint;
    private final BackgroundRunner.Latest latest = new BackgroundRunner.Latest();
    private final Object svdLock = new Object();
    private String svdId;
    private Matrix svdMatrix;
    private SvdResult svdResult;

    private final ObjectProperty<PlannedMatrix> previewMatrix = new SimpleObjectProperty<>();
    private final ReadOnlyObjectWrapper<ReconstructionPreview> preview = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper previewMessage = new ReadOnlyStringWrapper("Select a matrix in the table");

    /**
     * @param services   matrix reading and SVD
     * @param runner     runs the decomposition on the work executor and applies its result
     * @param checkpoint the checkpoint the tab plans for (null: none)
     */
    public BudgetPreviewViewModel(BudgetServices services, BackgroundRunner runner,
                                  ObservableValue<CheckpointModel> checkpoint) {
        this.services = Objects.requireNonNull(services);
        this.runner = Objects.requireNonNull(runner);
        this.checkpoint = Objects.requireNonNull(checkpoint);
        previewMatrix.addListener((o, a, b) -> requestPreview());
        checkpoint.addListener((o, a, b) -> previewMatrix.set(null));
    }

    /** Keeps the selection on the same matrix of a new plan (or clears it when the plan lacks it). */
    public void planChanged(Plan p) {
        PlannedMatrix selected = previewMatrix.get();
        if (selected != null) {
            previewMatrix.set(p == null ? null : p.matrix(selected.id()).orElse(null));
        }
    }

    private void requestPreview() {
        PlannedMatrix pm = previewMatrix.get();
        CheckpointModel cp = checkpoint.getValue();
        if (pm == null || cp == null) {
            latest.invalidate();
            preview.set(null);
            previewMessage.set("Select a matrix in the table");
            return;
        }
        Optional<MatrixEntry> entry = cp.entry(pm.id());
        if (entry.isEmpty()) {
            previewMessage.set(pm.id() + " is not in " + cp.displayName());
            return;
        }
        if (preview.get() != null && preview.get().matrixId().equals(pm.id()) && preview.get().rank() == pm.rank()) {
            return;
        }
        OpenedCheckpoint opened = cp.opened();
        MatrixEntry e = entry.get();
        previewMessage.set("Decomposing " + pm.id() + "…");
        runner.work(() -> computePreview(opened, e, pm))
                .latestOf(latest)
                .onSuccess(p -> {
                    preview.set(p);
                    previewMessage.set(String.format(Locale.ROOT,
                            "%s  %d×%d  rank %d: ‖W−W_k‖/‖W‖ = %.6f (plan %.6f)%s", p.matrixId(), p.rows(), p.cols(),
                            p.rank(), p.measuredError(), p.predictedError(),
                            p.gridRows() < p.rows() || p.gridCols() < p.cols()
                                    ? "; shown as " + p.gridRows() + "×" + p.gridCols() + " block means" : ""));
                })
                .about(pm.id())
                .onFailureSentence(text -> {
                    preview.set(null);
                    previewMessage.set(text);
                })
                .start();
    }

    /** Work executor: reads and decomposes the matrix (the last SVD is kept for rank changes). */
    private ReconstructionPreview computePreview(OpenedCheckpoint opened, MatrixEntry e, PlannedMatrix pm) {
        Matrix w;
        SvdResult svd;
        synchronized (svdLock) {
            if (!e.id().equals(svdId)) {
                svdMatrix = services.readMatrix(opened, e);
                svdResult = services.svd(svdMatrix);
                svdId = e.id();
            }
            w = svdMatrix;
            svd = svdResult;
        }
        return ReconstructionPreview.of(pm.id(), w, svd, pm.rank(), pm.relativeError(),
                ReconstructionPreview.DEFAULT_MAX_SIDE);
    }

    /** The matrix whose reconstruction is previewed (from the table selection). */
    public ObjectProperty<PlannedMatrix> previewMatrixProperty() {
        return previewMatrix;
    }

    public ReadOnlyObjectProperty<ReconstructionPreview> previewProperty() {
        return preview.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty previewMessageProperty() {
        return previewMessage.getReadOnlyProperty();
    }
}
