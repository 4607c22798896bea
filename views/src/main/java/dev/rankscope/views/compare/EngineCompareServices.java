package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderAnalyzer;
import dev.rankscope.analysis.intruders.IntruderListener;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.MitigatedCheckpoint;
import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.CheckpointWriteException;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.peft.MergedTensorSource;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.peft.PeftAdapterConfig;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * {@link CompareServices} over the real engine, wired exactly as {@code rankscope intruders} wires
 * it so the tab and the CLI give the same numbers: checkpoints open through {@link Checkpoints#open},
 * an adapter folder through {@link PeftAdapter#open} merged by {@link MergedTensorSource} (only the
 * matrices it changes are compared), names parsed by {@link NameParser}, one
 * {@link IntruderAnalyzer} over the SVD backend. The backend is created on first use and shared;
 * it is thread-safe.
 */
public final class EngineCompareServices implements CompareServices {
    private final Supplier<SvdBackend> backendFactory;
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
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        return dir != null && Files.isRegularFile(dir.resolve(PeftAdapterConfig.FILE_NAME));
    }

    @Override
    public ComparisonInputs open(Path basePath, Path tunedPath) {
        TensorSource base = Checkpoints.open(basePath);
        try {
            if (isAdapter(tunedPath)) {
                PeftAdapter adapter = PeftAdapter.open(tunedPath);
                try {
                    MergedTensorSource merged = new MergedTensorSource(base, adapter);
                    Pairing pairing = Pairing.of(base, merged).filter(p -> merged.isChanged(p.tuned().tensor()));
                    return new ComparisonInputs(basePath, tunedPath, base, merged, adapter, pairing, adapter.notes());
                } catch (RuntimeException e) {
                    adapter.close();
                    throw e;
                }
            }
            TensorSource tuned = Checkpoints.open(tunedPath);
            return new ComparisonInputs(basePath, tunedPath, base, tuned, null, Pairing.of(base, tuned), List.of());
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /**
     * A writer refusing to overwrite any of {@code inputs} or, for a folder input (sharded
     * checkpoint, adapter folder), any file directly inside it: {@link AtomicFileWriter} protects
     * the paths it is given, and an export named like {@code tiny-llama/model.safetensors} must
     * not replace the base's weights. Lists folders: call off the FX thread.
     */
    public static AtomicFileWriter protectingInputs(Collection<Path> inputs) {
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            files.add(p);
            if (Files.isDirectory(p)) {
                try (Stream<Path> children = Files.list(p)) {
                    children.filter(Files::isRegularFile).forEach(files::add);
                } catch (IOException e) {
                    throw new CheckpointWriteException(p, CheckpointWriteException.Reason.IO,
                            "cannot list the input folder to protect its files", e);
                }
            }
        }
        return new AtomicFileWriter(files);
    }

    @Override
    public IntruderTask intruderTask(ComparisonInputs inputs, IntruderListener listener) {
        return new IntruderTask(inputs.base(), inputs.tuned(), inputs.pairing(), new IntruderAnalyzer(backend()),
                NameParser::parse, listener);
    }

    @Override
    public AbstractTask mitigationTask(ComparisonInputs inputs, IntruderParameters params, double lambda, Path target,
                                       Consumer<MitigatedCheckpoint.Result> onWritten) {
        SvdBackend svd = backend();
        AtomicFileWriter files = protectingInputs(List.of(inputs.basePath(), inputs.tunedPath()));
        String title = String.format(Locale.ROOT, "Mitigated checkpoint (λ = %s): %s", lambda, target.getFileName());
        return new AbstractTask(title) {
            @Override
            protected void work() {
                MitigatedCheckpoint.Result result = MitigatedCheckpoint.write(inputs.base(), inputs.tuned(), params,
                        lambda, svd, target, files, (index, count, tensor) -> {
                            checkCancelled(); // unwinds the writer, which deletes its temporary file
                            progress((double) index / count, (index + 1) + " of " + count + ": " + tensor.name());
                        });
                onWritten.accept(result);
            }
        };
    }
}
