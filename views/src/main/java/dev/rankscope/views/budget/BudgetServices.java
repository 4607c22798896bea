package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportTask;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;

import java.nio.file.Path;

/**
 * What the Budget tab needs from the engine beyond the workbench's spectra (SPEC §4–5): the
 * weights of one matrix and its full SVD for the reconstruction preview, the checkpoint's
 * provenance for exported plans, and the factorised safetensors export. Kept as its own port
 * (next to {@link dev.rankscope.application.workbench.WorkbenchServices}) so the Budget tab plugs into the
 * workbench without changing the shared port. Every method may be slow and is called off the FX
 * thread.
 */
public interface BudgetServices {

    /**
     * The dense float64 weights of {@code matrix} in (out, in) orientation, freshly allocated.
     *
     * @throws dev.rankscope.engine.RankscopeException when the tensor cannot be read
     */
    Matrix readMatrix(OpenedCheckpoint checkpoint, MatrixEntry matrix);

    /** Thin SVD with vectors (U m×p, σ descending, Vᵀ p×n); the input is not modified. */
    SvdResult svd(Matrix matrix);

    /** Provenance of the checkpoint (path, SHA-256 of the header, tensor count; SPEC §5). */
    PlanSource planSource(OpenedCheckpoint checkpoint);

    /** The checkpoint's inputs ({@link dev.rankscope.engine.io.ProtectedInputs#of}): exports never write onto or into them. */
    java.util.List<Path> checkpointFiles(OpenedCheckpoint checkpoint);

    /** One line naming the SVD engine, written into exported plans' {@code "tool"}. */
    String engineDescription();

    /**
     * A not-yet-started task writing the factorised safetensors file of {@code plan} for
     * {@code checkpoint} to {@code target} and verifying it by re-reading (SPEC §5). The caller
     * runs it on its task executor; it cancels between tensors.
     */
    FactorisedExportTask factorisedExport(OpenedCheckpoint checkpoint, Plan plan, Path target,
                                          FactorisedExportParameters parameters);
}
