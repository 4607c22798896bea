package dev.rankscope.application.intruders;

import dev.rankscope.analysis.intruders.IntruderAnalyzer;
import dev.rankscope.analysis.intruders.IntruderExport;
import dev.rankscope.analysis.intruders.IntruderListener;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.MitigatedCheckpoint;
import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.job.MatrixFailure;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.hub.HuggingFaceCache;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.peft.MergedTensorSource;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.peft.PeftAdapterConfig;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * {@code intruders} (SPEC §3, Shuttleworth et al. 2024): open a base and a tuned side — a full
 * checkpoint, or a PEFT LoRA adapter merged onto the base on the fly, by default comparing only
 * the matrices it changes — pair their matrices by name ({@link #open}, which the Compare tab uses
 * too), refuse exports aimed at an input before any work ({@link ProtectedInputs}), compare every
 * pair (a failed pair does not stop the others), and write the JSON, CSV and mitigated checkpoint.
 *
 * <p>Notes, in order: the adapter's notes ({@code "note: "}), the pair count and engine, the
 * per-pair memory estimate (and a warning when it exceeds the heap), one line per compared pair
 * ({@code "[i/n] name"}), the mitigation's progress. Thread-safe; each task is one run.
 */
public final class IntrudersJob implements Job<IntrudersParameters, IntrudersResult> {

    /** The outside world of a comparison; replaced in tests. */
    public record Environment(Function<Path, TensorSource> checkpoints, Function<Path, PeftAdapter> adapters,
                              Function<Backends.Preference, SvdBackend> backends, Function<String, MatrixName> names) {
        /** The real readers, engine and name parser. */
        public static Environment defaults() {
            return new Environment(Checkpoints::open, PeftAdapter::open, Backends::select, NameParser::parse);
        }
    }

    private final Environment environment;

    public IntrudersJob(Environment environment) {
        this.environment = environment;
    }

    @Override
    public String name() {
        return "intruders";
    }

    /** True when {@code path} is a PEFT adapter folder (or a file inside one, or an {@code hf:} reference to one). Cheap; any thread. */
    public static boolean isAdapter(Path path) {
        if (!Files.exists(path) && HuggingFaceCache.isReference(path.toString())) {
            try {
                path = HuggingFaceCache.resolveIfReference(path);
            } catch (RankscopeException e) {
                return false; // not cached: opening it says so in one line
            }
        }
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        return dir != null && Files.isRegularFile(dir.resolve(PeftAdapterConfig.FILE_NAME));
    }

    /**
     * Opens {@code base} and the tuned side and pairs their matrices by name (headers only). With an
     * adapter, the tuned side is the base with the adapter merged on and, unless
     * {@code allMatrices}, only the matrices it changes are paired.
     *
     * @throws RankscopeException naming the file and the problem (nothing stays open)
     */
    public ComparisonInputs open(Path basePath, Path tunedPath, boolean adapter, boolean allMatrices) {
        TensorSource base = environment.checkpoints().apply(basePath);
        try {
            if (adapter) {
                PeftAdapter peft = environment.adapters().apply(tunedPath);
                try {
                    MergedTensorSource merged = new MergedTensorSource(base, peft);
                    Pairing pairing = Pairing.of(base, merged);
                    if (!allMatrices) {
                        pairing = pairing.filter(p -> merged.isChanged(p.tuned().tensor()));
                    }
                    return new ComparisonInputs(basePath, tunedPath, base, merged, peft, pairing, peft.notes());
                } catch (RuntimeException e) {
                    peft.close();
                    throw e;
                }
            }
            TensorSource tuned = environment.checkpoints().apply(tunedPath);
            return new ComparisonInputs(basePath, tunedPath, base, tuned, null, Pairing.of(base, tuned), List.of());
        } catch (RuntimeException e) {
            base.close();
            throw e;
        }
    }

    /** The inputs no export of this comparison may touch: both paths and every file either side reads. */
    public static List<Path> inputs(ComparisonInputs inputs) {
        List<Path> all = new ArrayList<>(ProtectedInputs.of(inputs.base()));
        all.addAll(inputs.tuned().files());
        all.add(inputs.basePath());
        all.add(inputs.tunedPath());
        return all;
    }

    /** An unstarted task comparing every pair of {@code inputs}, streamed to {@code listener}. */
    public IntruderTask compare(ComparisonInputs inputs, SvdBackend backend, IntruderListener listener) {
        return new IntruderTask(inputs.base(), inputs.tuned(), inputs.pairing(), new IntruderAnalyzer(backend),
                environment.names(), listener);
    }

    /** The backend {@code preference} selects in this environment. */
    public SvdBackend backend(Backends.Preference preference) {
        return environment.backends().apply(preference);
    }

    /**
     * Writes PEFT's mitigation (intruder directions at {@code params} scaled by {@code lambda}) as a
     * merged safetensors checkpoint at {@code target} through {@code files}, checking {@code task}
     * for Cancel between tensors: the Compare tab's export and {@code --mitigate} alike.
     */
    public static MitigatedCheckpoint.Result mitigate(ComparisonInputs inputs, IntruderParameters params, double lambda,
                                                      SvdBackend backend, Path target, AtomicFileWriter files,
                                                      JobTask<?> task) {
        return MitigatedCheckpoint.write(inputs.base(), inputs.tuned(), params, lambda, backend, target, files,
                (index, count, tensor) -> {
                    task.checkCancelled(); // unwinds the writer, which deletes its temporary file
                    task.progress((double) index / count, (index + 1) + " of " + count + ": " + tensor.name());
                });
    }

    @Override
    public JobTask<IntrudersResult> task(IntrudersParameters parameters) {
        return new Run(parameters);
    }

    private final class Run extends JobTask<IntrudersResult> {
        private final IntrudersParameters p;

        Run(IntrudersParameters p) {
            super("Intruders of " + p.tuned().getFileName());
            this.p = p;
        }

        @Override
        protected IntrudersResult compute() {
            try (ComparisonInputs in = open(p.base(), p.tuned(), p.adapter(), p.allMatrices())) {
                in.notes().forEach(n -> note("note: " + n));
                Pairing pairing = in.pairing().filter(pair -> p.includes(pair.name()));
                if (pairing.pairs().isEmpty()) {
                    throw new RankscopeException(fileName(p.base()) + " and " + fileName(in.tuned().path())
                            + " have no matrices in common (same names and shapes"
                            + (p.include() == null ? "" : ", matching --include") + ") to compare");
                }
                ComparisonInputs filtered = new ComparisonInputs(in.basePath(), in.tunedPath(), in.base(), in.tuned(),
                        null, pairing, List.of());
                AtomicFileWriter files = ProtectedInputs.checked(inputs(in), p.json(), p.csv(), p.mitigate());
                SvdBackend backend = backend(p.engine());
                int total = pairing.pairs().size();
                int[] done = {0};
                IntruderTask task = compare(filtered, backend, r -> note(String.format(Locale.ROOT, "[%d/%d] %s",
                        ++done[0], total, r.name().id())));
                note("intruders: " + total + " matrix pairs, engine " + backend.info().describe());
                Pairing.MatrixPair largest = pairing.pairs().stream()
                        .max(Comparator.comparingLong(pair -> pair.base().numel())).orElseThrow();
                long peak = IntruderTask.estimatedPeakBytes(largest.base().rows(), largest.base().cols());
                note(String.format(Locale.ROOT, "memory: about %s per pair at peak (largest %s); pairs run one at a time",
                        mib(peak), largest.base().shapeString()));
                if (peak > Runtime.getRuntime().maxMemory()) {
                    note("warning: that exceeds the " + mib(Runtime.getRuntime().maxMemory())
                            + " Java heap; raise it with -Xmx or expect 'not enough memory' for the largest matrices");
                }
                runStep(task);
                IntruderReport report = task.report();
                List<Path> written = new ArrayList<>();
                if (p.json() != null) {
                    files.writeBytes(p.json(), IntruderExport.toJson(report, p.intruders()).getBytes(StandardCharsets.UTF_8));
                    written.add(p.json());
                }
                if (p.csv() != null) {
                    files.writeBytes(p.csv(), IntruderExport.toCsv(report, p.intruders()).getBytes(StandardCharsets.UTF_8));
                    written.add(p.csv());
                }
                MitigatedCheckpoint.Result mitigated = null;
                if (p.mitigate() != null) {
                    mitigated = mitigate(in, p.intruders(), p.lambda(), backend, p.mitigate(), files, this);
                    written.add(p.mitigate());
                }
                return new IntrudersResult(report, MatrixFailure.ofIntruders(report), mitigated, written);
            }
        }
    }

    private static String mib(long bytes) {
        return bytes >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", (bytes + (1 << 20) - 1) >> 20);
    }

    private static String fileName(Path path) {
        Path f = path == null ? null : path.getFileName();
        return f == null ? String.valueOf(path) : f.toString();
    }
}
