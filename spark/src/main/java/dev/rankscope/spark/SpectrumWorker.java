package dev.rankscope.spark;

import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.spectrum.SpectrumListener;
import dev.rankscope.engine.spectrum.SpectrumTask;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor side of the Spark sweep: computes the spectra of one partition's units with the
 * engine's {@link SpectrumTask} (the same code {@code rankscope analyze} runs: streamed Gram or
 * dgesdd, memory admission control), reading each tensor through {@link SparkCheckpoints} (Hadoop
 * positional reads for safetensors, the engine's readers for other local formats).
 *
 * <p>Per executor JVM there is one SVD backend (native OpenBLAS from the job jar, Java fallback)
 * and one {@link MemoryBudget} shared by all task threads, so concurrent tasks of one executor are
 * admitted against the same heap. Each spectrum runs with one BLAS thread: Spark's executor cores
 * provide the parallelism. A checkpoint is opened once per partition.
 *
 * <p>A unit never throws: a bad file, NaN/Inf weights, a matrix larger than the budget, an
 * {@link OutOfMemoryError}, or a checkpoint whose files' identity differs from what the driver
 * listed ("changed during the sweep", checked before and after reading) becomes a
 * {@link UnitResult} with the reason.
 */
final class SpectrumWorker {
    /** The reason of a unit whose checkpoint changed since the driver listed it. */
    static final String CHANGED = "changed during the sweep";
    private static volatile SvdBackend backend;
    private static volatile MemoryBudget memory;

    private SpectrumWorker() {
    }

    static SvdBackend backend() {
        SvdBackend b = backend;
        if (b == null) {
            synchronized (SpectrumWorker.class) {
                b = backend;
                if (b == null) {
                    b = Backends.select(Backends.Preference.AUTO);
                    memory = MemoryBudget.fromRuntime();
                    backend = b;
                }
            }
        }
        return b;
    }

    /** The executor's memory budget, shared by all its task threads. */
    static MemoryBudget memory() {
        backend();
        return memory;
    }

    /** The Hadoop configuration the driver shipped. */
    static Configuration configuration(Map<String, String> hadoopConf) {
        Configuration conf = new Configuration();
        hadoopConf.forEach(conf::set);
        return conf;
    }

    /** Computes every unit of one partition. */
    static List<UnitResult> compute(List<WorkUnit> units, Map<String, String> hadoopConf) {
        Configuration conf = configuration(hadoopConf);
        Map<String, List<WorkUnit>> byCheckpoint = new LinkedHashMap<>();
        units.forEach(u -> byCheckpoint.computeIfAbsent(u.target().uri(), k -> new ArrayList<>()).add(u));
        List<UnitResult> out = new ArrayList<>();
        for (List<WorkUnit> group : byCheckpoint.values()) {
            out.addAll(computeCheckpoint(group, conf));
        }
        return out;
    }

    private static List<UnitResult> computeCheckpoint(List<WorkUnit> units, Configuration conf) {
        List<UnitResult> out = new ArrayList<>();
        WorkUnit first = units.get(0);
        TensorSource source;
        try {
            source = SparkCheckpoints.open(first.target().uri(), conf);
        } catch (RankscopeException e) {
            units.forEach(u -> out.add(failed(u, e.userMessage())));
            return out;
        }
        try (source) {
            Map<String, MatrixRef> refs;
            try {
                refs = listing(source);
            } catch (RankscopeException e) {
                units.forEach(u -> out.add(failed(u, e.userMessage())));
                return out;
            }
            boolean same = SparkCheckpoints.identity(first.target().uri(), source).equals(first.target().identity());
            for (WorkUnit u : units) {
                out.add(same ? computeOne(source, refs.get(u.matrix()), u)
                        : failed(u, CHANGED + " (its files differ from when the driver listed them)"));
            }
        }
        return out;
    }

    /** The matrices of {@code source} by id, as {@code rankscope analyze} lists them. */
    static Map<String, MatrixRef> listing(TensorSource source) {
        Map<String, MatrixRef> refs = new LinkedHashMap<>();
        MatrixListing.of(source, false).matrices().forEach(r -> refs.put(r.id(), r));
        return refs;
    }

    private static UnitResult computeOne(TensorSource source, MatrixRef ref, WorkUnit u) {
        if (ref == null || ref.rows() != u.rows() || ref.cols() != u.cols()) {
            return failed(u, CHANGED + " (the matrix is no longer listed with this shape)");
        }
        SvdBackend b = backend();
        List<Object> result = new ArrayList<>(1);
        SpectrumListener listener = new SpectrumListener() {
            @Override
            public void onSpectrum(Spectrum spectrum) {
                result.add(spectrum);
            }

            @Override
            public void onFailure(MatrixRef r, RankscopeException error) {
                result.add(error.userMessage());
            }
        };
        try {
            // parallelism = cores, so the one matrix runs with a single BLAS thread (SpectrumTask.blasThreadsFor)
            SpectrumTask task = new SpectrumTask(source, List.of(ref), b, Precision.F64, SpectrumTask.defaultParallelism(),
                    SvdBackend.Tolerance.DEFAULT, memory, listener);
            task.run();
            task.rethrowFailure();
            if (!SparkCheckpoints.identityNow(source).equals(source.identity())) {
                return failed(u, CHANGED + " (its files changed while it was read)");
            }
        } catch (RankscopeException e) {
            return failed(u, e.userMessage());
        } catch (OutOfMemoryError e) {
            return failed(u, "not enough memory for matrix " + u.matrix() + " (" + u.rows() + "×" + u.cols() + ")");
        }
        if (result.isEmpty()) {
            return failed(u, "no spectrum was computed");
        }
        if (result.get(0) instanceof String reason) {
            return failed(u, reason);
        }
        Spectrum s = (Spectrum) result.get(0);
        return new UnitResult(u.checkpointIndex(), u.matrix(), s.sigma(), s.method().name(), s.millis(), null);
    }

    private static UnitResult failed(WorkUnit u, String reason) {
        return new UnitResult(u.checkpointIndex(), u.matrix(), null, null, 0, reason);
    }
}
