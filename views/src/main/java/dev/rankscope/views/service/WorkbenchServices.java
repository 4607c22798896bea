package dev.rankscope.views.service;

import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.task.AbstractTask;

import java.nio.file.Path;
import java.util.List;

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
    OpenedCheckpoint open(Path path);

    /**
     * A task computing the spectra and metrics of {@code matrices} (all from {@code checkpoint}),
     * streaming each result to {@code sink} as it finishes. The task is not started: the caller
     * runs it on its executor. It cancels cooperatively between matrices.
     */
    AbstractTask analyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink);

    /** What computes the spectra, for the status bar. */
    EngineInfo engineInfo();
}
