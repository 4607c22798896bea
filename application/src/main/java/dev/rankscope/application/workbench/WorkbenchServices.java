package dev.rankscope.application.workbench;

import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.task.AbstractTask;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The port through which the workbench reaches the engine and analysis layers. ViewModels
 * depend on this interface only; {@link EngineWorkbenchServices} implements it with the real
 * readers and SVD backends, tests use a fake. Every method may be slow and is called off the
 * FX thread.
 */
public interface WorkbenchServices {

    /**
     * Opens a checkpoint file or folder and lists its tensors and matrices from the header only
     * (no tensor data is read).
     *
     * @throws dev.rankscope.engine.RankscopeException (typically a
     *         {@link dev.rankscope.engine.tensor.CheckpointFormatException}) naming the file and the problem
     */
    default OpenedCheckpoint open(Path path) {
        return open(path, MatrixViews.DEFAULT);
    }

    /**
     * {@link #open(Path)} listing the matrices under {@code views} (per-head blocks, pooled conv
     * kernels; SPEC §7), as {@code analyze --per-head --conv} lists them.
     */
    OpenedCheckpoint open(Path path, MatrixViews views);

    /**
     * A task computing the spectra and metrics of {@code matrices} (all from {@code checkpoint}),
     * streaming each result to {@code sink} as it finishes. The task is not started: the caller
     * runs it on its executor. It cancels cooperatively between matrices.
     */
    AbstractTask analyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink);

    /** What computes the spectra, for the status bar. */
    EngineInfo engineInfo();

    /**
     * A task computing a quick approximate analysis (top-64 singular values by randomised
     * subspace iteration, {@code Spectrum.approximate()} true) of {@code matrices}, streaming each
     * to {@code sink}; exact results from {@link #analyze} are meant to replace them. Matrices
     * whose exact spectrum is already cached are skipped. Not started; cancels between matrices.
     * Nothing it computes is ever cached. Empty when this service has no quick pass (the
     * default; also when the native library that the randomised SVD needs is unavailable).
     */
    default Optional<AbstractTask> quickAnalyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices,
                                                AnalysisSink sink) {
        return Optional.empty();
    }

    /**
     * Applies the workbench's analysis settings: the metrics of every analysis started from now on
     * ({@link #analyze}, and through it the report export) and the spectrum cache's size limit for
     * the entries written from now on. Cheap; any thread. Services that compute nothing ignore it
     * (the default).
     */
    default void configure(AnalysisSettings settings) {
    }

    /** The on-disk spectrum cache, for the settings dialog; empty when this service caches nothing (the default). */
    default Optional<CacheControl> cache() {
        return Optional.empty();
    }
}
