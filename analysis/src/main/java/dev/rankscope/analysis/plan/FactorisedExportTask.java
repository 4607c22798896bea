package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/**
 * Runs {@link FactorisedExport} as a cancellable task (SPEC §5): progress goes from 0 to 0.9
 * while tensors are written (one SVD at a time) and to 1 after verification. Cancellation is
 * checked before each tensor, never inside an SVD; a cancelled export leaves no output file.
 * A data-aware plan is exported with its whitened factors {@code (W·S)_k·S⁻¹}: the task reads the
 * statistics file the plan records ({@link FactorisedExport#transformsFor}), so the workbench's
 * export writes what {@code rankscope plan --stats … --factorized} writes.
 * The result is available from {@link #result()} once the task has finished.
 */
public final class FactorisedExportTask extends AbstractTask {
    private final Plan plan;
    private final TensorSource source;
    private final Path target;
    private final SvdBackend backend;
    private final FactorisedExportParameters parameters;
    private final AtomicFileWriter files;
    private volatile FactorisedExportResult result;

    public FactorisedExportTask(Plan plan, TensorSource source, Path target, SvdBackend backend,
                                FactorisedExportParameters parameters, AtomicFileWriter files) {
        super("Export factorised " + target.getFileName());
        this.plan = plan;
        this.source = source;
        this.target = target;
        this.backend = backend;
        this.parameters = parameters;
        this.files = files;
    }

    @Override
    protected void work() {
        try (TensorSource statistics = plan.dataAware() == null ? null
                : Checkpoints.open(Path.of(plan.dataAware().statisticsPath()))) {
            result = FactorisedExport.export(plan, source, target, backend::svd, parameters, files, (index, total, tensor) -> {
                checkCancelled();
                progress(0.9 * index / Math.max(1, total), "writing " + tensor.name());
            }, FactorisedExport.transformsFor(plan, statistics));
        }
        progress(1.0, result.verified() ? "verified " + result.factorChecks().size() + " factorised matrices"
                : "verification failed for some matrices");
    }

    /** The export's outcome, or null until the task has finished. */
    public FactorisedExportResult result() {
        return result;
    }
}
