package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderListener;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.MitigatedCheckpoint;
import dev.rankscope.application.intruders.ComparisonInputs;
import dev.rankscope.application.intruders.IntrudersJob;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;

import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@link CompareServices} over {@link IntrudersJob}, the job {@code rankscope intruders} runs, so
 * the tab and the CLI open, pair, compare and mitigate with the same code and give the same
 * numbers. The backend is created on first use and shared; it is thread-safe.
 */
public final class EngineCompareServices implements CompareServices {
    private final Supplier<SvdBackend> backendFactory;
    private final IntrudersJob job = new IntrudersJob(IntrudersJob.Environment.defaults());
    private SvdBackend backend;

    /** With the backend {@link Backends#select} picks for {@code preference}. */
    public EngineCompareServices(Backends.Preference preference) {
        this(() -> Backends.select(preference));
    }

    /** With an explicit backend supplier (tests pass a counting pure-Java backend). */
    public EngineCompareServices(Supplier<SvdBackend> backendFactory) {
        this.backendFactory = backendFactory;
    }

    private synchronized SvdBackend backend() {
        if (backend == null) {
            backend = backendFactory.get();
        }
        return backend;
    }

    @Override
    public boolean isAdapter(Path path) {
        return IntrudersJob.isAdapter(path);
    }

    @Override
    public ComparisonInputs open(Path basePath, Path tunedPath) {
        return job.open(basePath, tunedPath, isAdapter(tunedPath), false);
    }

    @Override
    public IntruderTask intruderTask(ComparisonInputs inputs, IntruderListener listener) {
        return job.compare(inputs, backend(), listener);
    }

    @Override
    public JobTask<MitigatedCheckpoint.Result> mitigationTask(ComparisonInputs inputs, IntruderParameters params,
                                                              double lambda, Path target) {
        SvdBackend svd = backend();
        AtomicFileWriter files = ProtectedInputs.writer(IntrudersJob.inputs(inputs));
        String title = String.format(Locale.ROOT, "Mitigated checkpoint (λ = %s): %s", lambda, target.getFileName());
        return new JobTask<>(title) {
            @Override
            protected MitigatedCheckpoint.Result compute() {
                return IntrudersJob.mitigate(inputs, params, lambda, svd, target, files, this);
            }
        };
    }
}
