package dev.rankscope.views.budget;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportTask;
import dev.rankscope.analysis.plan.PlanSources;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@link BudgetServices} over the real engine: matrices are read with {@link MatrixReader} from
 * the {@link TensorSource} the workbench opened ({@link OpenedCheckpoint#handle()}), SVDs run on
 * the backend the supplier gives (created on first use, then shared; thread-safe).
 */
public final class EngineBudgetServices implements BudgetServices {
    private final Supplier<SvdBackend> backendFactory;
    private SvdBackend backend;

    public EngineBudgetServices(Supplier<SvdBackend> backendFactory) {
        this.backendFactory = backendFactory;
    }

    private synchronized SvdBackend backend() {
        if (backend == null) {
            backend = backendFactory.get();
        }
        return backend;
    }

    private static TensorSource source(OpenedCheckpoint checkpoint) {
        if (checkpoint.handle() instanceof TensorSource s) {
            return s;
        }
        throw new IllegalArgumentException("checkpoint " + checkpoint.displayName() + " was not opened by the engine");
    }

    @Override
    public Matrix readMatrix(OpenedCheckpoint checkpoint, MatrixEntry matrix) {
        return MatrixReader.read(source(checkpoint), matrix.ref());
    }

    @Override
    public SvdResult svd(Matrix matrix) {
        return backend().svd(matrix);
    }

    @Override
    public PlanSource planSource(OpenedCheckpoint checkpoint) {
        return PlanSources.of(source(checkpoint));
    }

    @Override
    public List<Path> checkpointFiles(OpenedCheckpoint checkpoint) {
        return ProtectedInputs.of(source(checkpoint));
    }

    @Override
    public String engineDescription() {
        return backend().info().describe();
    }

    @Override
    public FactorisedExportTask factorisedExport(OpenedCheckpoint checkpoint, Plan plan, Path target,
                                                 FactorisedExportParameters parameters) {
        TensorSource source = source(checkpoint);
        return new FactorisedExportTask(plan, source, target, backend(), parameters,
                ProtectedInputs.writer(ProtectedInputs.of(source)));
    }
}
