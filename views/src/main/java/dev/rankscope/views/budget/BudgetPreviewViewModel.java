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
    private final ObjectProperty<java.nio.file.Path> statistics = new SimpleObjectProperty<>();

    /** A preview and, with calibration statistics, its activation-space errors (SPEC §8). */
    private record Computed(ReconstructionPreview preview, String activation) {
    }

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
        java.nio.file.Path stats = statistics.get();
        runner.work(() -> {
                    ReconstructionPreview p = computePreview(opened, e, pm);
                    return new Computed(p, stats == null ? "" : activation(stats, pm));
                })
                .latestOf(latest)
                .onSuccess(c -> {
                    ReconstructionPreview p = c.preview();
                    preview.set(p);
                    previewMessage.set(String.format(Locale.ROOT,
                            "%s  %d×%d  rank %d: ‖W−W_k‖/‖W‖ = %.6f (plan %.6f)%s%s", p.matrixId(), p.rows(), p.cols(),
                            p.rank(), p.measuredError(), p.predictedError(), c.activation(),
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

    /**
     * Work executor: the activation-space relative error at the planned rank k (SPEC §8), exact
     * from the module's input Gram: of the weights-only truncation, sqrt(Σ_{i>k} σ_i²·v_iᵀGv_i /
     * Σ σ_i²·v_iᵀGv_i), and of the whitened truncation, sqrt(Σ_{i>k} σ_i(WS)² / Σ σ_i(WS)²).
     * Empty when the statistics have no Gram for this module.
     */
    private String activation(java.nio.file.Path stats, PlannedMatrix pm) {
        dev.rankscope.analysis.allocation.ModuleStatistics ms;
        try (dev.rankscope.engine.tensor.TensorSource s = dev.rankscope.engine.tensor.Checkpoints.open(stats)) {
            ms = dev.rankscope.analysis.allocation.ModuleStatistics.read(s, pm.moduleName());
        }
        Matrix g = ms == null ? null : ms.inputGram();
        Matrix w;
        SvdResult svd;
        synchronized (svdLock) {
            w = svdMatrix;
            svd = svdResult;
        }
        if (g == null || w == null || g.rows() != w.cols()) {
            return "";
        }
        int k = Math.min(pm.rank(), svd.size());
        double weightOnly = dev.rankscope.analysis.allocation.ActivationError.fromContributions(
                dev.rankscope.analysis.allocation.ActivationError.weightOnlyContributions(svd, g))[k];
        Matrix sw = dev.rankscope.analysis.allocation.DataAwareSpectra.whiten(g, 1e-6, pm.moduleName()).transform();
        double[] sigma = services.svd(dev.rankscope.analysis.allocation.DataAwareSpectra.multiply(w, sw)).sigma();
        double whitened = dev.rankscope.analysis.allocation.ActivationError.whitened(sigma)[Math.min(k, sigma.length)];
        return String.format(Locale.ROOT, "; activation-space ‖(W−W')X‖/‖WX‖: weights-only %.6f, whitened %.6f",
                weightOnly, whitened);
    }

    /** Calibration statistics for the activation-space errors, or null (bound to the Model panel's). */
    public ObjectProperty<java.nio.file.Path> statisticsProperty() {
        return statistics;
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
