package dev.rankscope.spark;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SeriesMatching;
import dev.rankscope.application.sweep.SeriesOrder;
import dev.rankscope.application.sweep.SweepOutputs;
import dev.rankscope.application.sweep.SweepPairs;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepRow;
import dev.rankscope.application.sweep.SweepRows;
import dev.rankscope.application.sweep.SweepTable;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint sweep on Apache Spark (issue 17 item 3): {@code spark-submit --class
 * dev.rankscope.spark.SparkSweep rankscope-spark-job.jar CKPT… | --list FILE --out DIR
 * [--metrics a,b] [--updates[=consecutive|first]] [--intruders-vs-first [--k K] [--epsilon EPS]]
 * [--partitions N]} — the parameters of {@code rankscope sweep}. Checkpoints and the output folder
 * are Hadoop paths (local, {@code hdfs://}, {@code s3a://}); checkpoints are opened by
 * {@link SparkCheckpoints}: safetensors (one file, or sharded with an index) on any of them, the
 * other formats Rankscope reads from local paths.
 *
 * <p>Driver: orders the series ({@link SeriesOrder}, SPEC §10), reads each checkpoint's headers
 * only and lists its matrices as {@code rankscope analyze} does ({@link MatrixListing}); one
 * {@link WorkUnit} per (checkpoint, matrix) not already in the output, packed into partitions by
 * flop cost ({@link FlopPartitioning}). Executors compute the spectra ({@link SpectrumWorker}) and
 * return the singular values; the driver turns them into metrics with the same {@link Analyzer},
 * writes one {@code checkpoints/NNN-label.json} per checkpoint in the {@code rankscope-analysis}
 * format. Then the pairwise part, with the local sweep's own rules ({@link SweepPairs}): one unit
 * per (checkpoint pair, matrix) for the updates ΔW and intruder counts asked for, flop-balanced
 * again, computed by {@link PairWorker}. Last, the long table as {@code sweep.parquet} (a Spark
 * Parquet folder) and {@code sweep.csv} (the columns of {@link SweepTable}, as {@code rankscope
 * sweep}), and {@code series.json}.
 *
 * <p>Failures (a checkpoint that cannot be opened or reached, NaN weights, out of memory, a file
 * changed during the sweep) are recorded with their reason in the table, the JSON and
 * {@code series.json}; the rest completes. <b>Resume</b>: beside each JSON an {@code .identity} file
 * records the checkpoint's URI and its files' identities (path, length, modification time); a re-run
 * whose checkpoint still has that identity keeps every matrix already in the JSON, and every update
 * or intruder count recorded in {@code NNN-label.pairs.json} for the same two identities
 * ({@link PairsFile}), and computes only the rest. Files are written to a temporary name and
 * renamed into place.
 */
public final class SparkSweep {
    private static final String IDENTITY_SUFFIX = ".identity";

    private SparkSweep() {
    }

    /**
     * What a run did.
     *
     * @param series         checkpoints in series order
     * @param rows           the long table
     * @param unmatched      matrices not in every checkpoint with the first one's shape ({@link SeriesMatching})
     * @param failures       one line per failed checkpoint or matrix
     * @param notes          remarks (order, resume)
     * @param unitsComputed  (checkpoint, matrix) spectra computed by this run
     * @param unitsResumed   spectra kept from a previous run's output
     * @param pairsComputed  (checkpoint pair, matrix) updates and intruder counts computed by this run
     * @param pairsResumed   updates and intruder counts kept from a previous run's output
     * @param partitions     partitions the units were packed into
     * @param imbalance      max/mean of the partitions' estimated flops (1 = even)
     */
    public record Outcome(List<SeriesMember> series, List<SweepRow> rows, List<String> unmatched, List<String> failures, List<String> notes,
                          long unitsComputed, int unitsResumed, long pairsComputed, int pairsResumed, int partitions, double imbalance) {
    }

    /** Entry point for {@code spark-submit}. Exit code 0, 1 (some failures) or 2 (bad input). */
    public static void main(String[] args) {
        SweepParameters params;
        int partitions;
        try {
            Args a = Args.parse(args);
            params = a.params;
            partitions = a.partitions;
        } catch (IllegalArgumentException e) {
            System.err.println("rankscope-spark: " + e.getMessage());
            System.err.println("usage: spark-submit --class dev.rankscope.spark.SparkSweep rankscope-spark-job.jar "
                    + "CKPT... | --list FILE --out DIR [--metrics a,b] [--updates[=consecutive|first]] [--intruders-vs-first "
                    + "[--k K] [--epsilon EPS]] [--partitions N]");
            System.exit(2);
            return;
        }
        SparkSession spark = SparkSession.builder().appName("rankscope-sweep").getOrCreate();
        int code;
        try {
            Outcome o = run(spark, params, partitions);
            o.notes().forEach(n -> System.err.println("rankscope-spark: note: " + n));
            o.failures().forEach(f -> System.err.println("rankscope-spark: failed: " + f));
            System.err.printf("rankscope-spark: %d checkpoints, %d rows; %d spectra computed on %d partitions "
                            + "(flop imbalance max/mean %.3f), %d kept from a previous run; %d updates/intruder counts computed, "
                            + "%d kept%n", o.series().size(), o.rows().size(), o.unitsComputed(), o.partitions(), o.imbalance(),
                    o.unitsResumed(), o.pairsComputed(), o.pairsResumed());
            code = o.rows().stream().noneMatch(SweepRow::ok) ? 2 : o.failures().isEmpty() ? 0 : 1;
        } catch (RankscopeException e) {
            System.err.println("rankscope-spark: " + e.userMessage());
            code = 2;
        } catch (IllegalArgumentException e) {
            System.err.println("rankscope-spark: " + e.getMessage());
            code = 2;
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /** What the driver knows about one listed checkpoint. */
    private static final class Listed {
        final SeriesMember member;
        List<MatrixRef> refs;
        Map<String, MatrixRef> byId = new LinkedHashMap<>();
        Map<String, DType> dtypes = new HashMap<>();
        String sha;
        String format;
        int tensors;
        /** {@link SparkCheckpoints#identity} when listed. */
        String identity;
        Map<String, MatrixAnalysis> resumed = new LinkedHashMap<>();

        Listed(SeriesMember member) {
            this.member = member;
        }

        WorkUnit.Checkpoint checkpoint() {
            return new WorkUnit.Checkpoint(member.index(), member.path(), member.label(), identity);
        }
    }

    /**
     * Runs the sweep on {@code spark}.
     *
     * @param partitions partitions to pack the units into; 0 for Spark's default parallelism
     * @throws IllegalArgumentException for a bad list file or an output folder inside an input
     */
    public static Outcome run(SparkSession spark, SweepParameters params, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = jsc.hadoopConfiguration();
        SeriesOrder.Ordered order = params.listFile() != null ? readList(params.listFile(), conf) : params.order();
        List<String> notes = new ArrayList<>(order.notes());
        List<String> failures = new ArrayList<>();
        Path out = new Path(params.out());
        FileSystem outFs = fileSystem(out, conf);
        Map<String, String> confEntries = new HashMap<>();
        conf.forEach(e -> confEntries.put(e.getKey(), e.getValue()));
        int p = partitions > 0 ? partitions : jsc.defaultParallelism();

        // 1. headers, listings, what a previous run already wrote
        List<Listed> listed = new ArrayList<>();
        List<WorkUnit> units = new ArrayList<>();
        int resumedCount = 0;
        for (SeriesMember m : order.members()) {
            Listed l = new Listed(m);
            listed.add(l);
            try (TensorSource s = SparkCheckpoints.open(m.path(), conf)) {
                l.refs = MatrixListing.of(s, false).matrices();
                l.refs.forEach(r -> l.byId.put(r.id(), r));
                for (TensorInfo t : s.tensors()) {
                    l.dtypes.put(t.name(), t.dtype());
                }
                l.sha = HeaderDigest.sha256(s);
                l.format = s.format();
                l.tensors = s.tensors().size();
                l.identity = SparkCheckpoints.identity(m.path(), s);
            } catch (RankscopeException e) {
                failures.add(m.label() + ": " + e.userMessage());
                l.refs = null;
                continue;
            }
            resume(l, outFs, json(out, m));
            resumedCount += l.resumed.size();
            for (MatrixRef r : l.refs) {
                if (!l.resumed.containsKey(r.id())) {
                    units.add(WorkUnit.spectrum(l.checkpoint(), r.id(), r.rows(), r.cols()));
                }
            }
        }
        checkOutput(outFs.makeQualified(out), listed.stream().filter(l -> l.refs != null)
                .map(l -> new Path(l.member.path())).map(x -> fileSystem(x, conf).makeQualified(x)).toList());
        if (resumedCount > 0) {
            notes.add(resumedCount + " spectra kept from the previous run in " + params.out());
        }

        // 2. the spectra, flop-balanced over the partitions
        List<List<WorkUnit>> bins = FlopPartitioning.balance(units, p);
        double imbalance = FlopPartitioning.imbalance(bins);
        LongAccumulator computed = jsc.sc().longAccumulator("rankscope.spectra");
        List<UnitResult> results = units.isEmpty() ? List.of()
                : jsc.parallelize(bins, bins.size()).flatMap(bin -> {
                    List<UnitResult> r = SpectrumWorker.compute(bin, confEntries);
                    computed.add(r.size());
                    return r.iterator();
                }).collect();

        // 3. metrics, per-checkpoint JSON, rows
        Map<Integer, Map<String, UnitResult>> byCheckpoint = new HashMap<>();
        for (UnitResult r : results) {
            byCheckpoint.computeIfAbsent(r.checkpointIndex(), k -> new HashMap<>()).put(r.matrix(), r);
        }
        EngineInfo engine = SpectrumWorker.backend().info();
        SweepRows rows = new SweepRows();
        for (Listed l : listed) {
            if (l.refs == null) {
                continue;
            }
            CheckpointAnalysis analysis = assemble(l, byCheckpoint.getOrDefault(l.member.index(), Map.of()), engine);
            Path json = json(out, l.member);
            writeAtomically(outFs, json, AnalysisJson.toJson(analysis));
            writeAtomically(outFs, new Path(json.getParent(), json.getName() + IDENTITY_SUFFIX), l.identity + "\n");
            SweepOutputs.CheckpointRows own = SweepOutputs.rows(l.member, l.refs, analysis);
            own.rows().forEach(rows::add);
            failures.addAll(own.failures());
        }
        SeriesMatching matching = SeriesMatching.of(listed.stream().map(l -> l.refs).toList());
        List<String> unmatched = matching.unmatched(order.members().stream().map(SeriesMember::label).toList());
        if (!unmatched.isEmpty()) {
            notes.add(unmatched.size() + " matrices are not in every checkpoint with the same shape; compared only where they match (series.json lists them)");
        }

        // 4. update spectra and intruder counts, one unit per (checkpoint pair, matrix)
        PairsDone pairs = pairs(jsc, params, listed, matching, rows, failures, out, outFs, confEntries, p);
        if (pairs.resumed() > 0) {
            notes.add(pairs.resumed() + " updates and intruder counts kept from the previous run in " + params.out());
        }

        TaskMemory largest = TaskMemory.largest(java.util.stream.Stream.concat(units.stream(), pairs.units().stream()).toList());
        if (largest != null) {
            notes.add(largest.sentence());
        }

        // 5. the table and the summary
        SweepTable table = params.table();
        List<SweepRow> all = rows.list();
        writeParquet(spark, table, all, new Path(out, "sweep.parquet").toString());
        writeAtomically(outFs, new Path(out, "sweep.csv"), String.join("\n", table.csvLines(all)) + "\n");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("partitions", bins.size());
        extra.put("flop_imbalance", imbalance);
        if (largest != null) {
            extra.put("task_memory", Map.of("heap_bytes", largest.heap(), "native_bytes", largest.offHeap(), "matrix", largest.unit().matrix()));
        }
        writeAtomically(outFs, new Path(out, "series.json"),
                SweepOutputs.seriesJson(params, order.members(), unmatched, failures, notes, extra));
        return new Outcome(order.members(), all, unmatched, failures, notes, computed.value(), resumedCount,
                pairs.computed(), pairs.resumed(), bins.size(), imbalance);
    }

    private static Path json(Path out, SeriesMember m) {
        return new Path(new Path(out, "checkpoints"), m.fileStem() + ".json");
    }

    /** How many (pair, matrix) units a run computed and kept from a previous run. */
    private record PairsDone(long computed, int resumed, List<WorkUnit> units) {
    }

    /**
     * The pairwise part ({@link SweepPairs}): the pairs the parameters ask for, their matrices
     * that match and were analysed in both checkpoints, minus those a previous run recorded for
     * the same file identities ({@code NNN-label.pairs.json}); the rest computed on the executors
     * ({@link PairWorker}), flop-balanced, then written into the rows exactly as the local sweep
     * writes them.
     */
    private static PairsDone pairs(JavaSparkContext jsc, SweepParameters params, List<Listed> listed, SeriesMatching matching,
                                   SweepRows rows, List<String> failures, Path out, FileSystem outFs,
                                   Map<String, String> confEntries, int partitions) {
        List<SweepPairs.Pair> asked = SweepPairs.pairs(params, listed.size());
        if (asked.isEmpty()) {
            return new PairsDone(0, 0, List.of());
        }
        Map<Integer, Map<String, SweepPairs.Outcome>> previous = new HashMap<>();
        Map<SweepPairs.Pair, List<String>> ids = new LinkedHashMap<>();
        Map<SweepPairs.Pair, Map<String, SweepPairs.Outcome>> done = new LinkedHashMap<>();
        List<WorkUnit> units = new ArrayList<>();
        int resumed = 0;
        for (SweepPairs.Pair pair : asked) {
            Listed a = listed.get(pair.base());
            Listed b = listed.get(pair.target());
            if (a.refs == null || b.refs == null) {
                continue;
            }
            List<String> matrices = SweepPairs.matrices(matching, pair, rows, b.byId);
            ids.put(pair, matrices);
            Map<String, SweepPairs.Outcome> kept = previous.computeIfAbsent(pair.target(), t -> PairsFile.read(outFs, pairsFile(out, b.member)));
            Map<String, SweepPairs.Outcome> pairDone = new LinkedHashMap<>();
            done.put(pair, pairDone);
            for (String id : matrices) {
                SweepPairs.Outcome o = kept.get(PairsFile.key(pair, a.identity, b.identity, params.intruders(), id));
                if (o != null) {
                    pairDone.put(id, o);
                    resumed++;
                } else {
                    MatrixRef r = b.byId.get(id);
                    units.add(new WorkUnit(pair.kind(), b.checkpoint(), a.checkpoint(), id, r.rows(), r.cols()));
                }
            }
        }
        List<List<WorkUnit>> bins = FlopPartitioning.balance(units, partitions);
        int k = params.intruders().k();
        double epsilon = params.intruders().epsilon();
        List<PairResult> results = units.isEmpty() ? List.of()
                : jsc.parallelize(bins, bins.size()).flatMap(bin -> PairWorker.compute(bin, confEntries, k, epsilon).iterator()).collect();
        Map<SweepPairs.Pair, String> pairFailures = new HashMap<>();
        for (PairResult r : results) {
            WorkUnit u = r.unit();
            SweepPairs.Pair pair = new SweepPairs.Pair(u.pair(), u.base().index(), u.target().index());
            if (r.wholePair()) {
                pairFailures.putIfAbsent(pair, r.outcome().failure());
            } else {
                done.get(pair).put(u.matrix(), r.outcome());
            }
        }
        Map<Integer, Map<String, SweepPairs.Outcome>> record = new LinkedHashMap<>();
        for (Map.Entry<SweepPairs.Pair, List<String>> e : ids.entrySet()) {
            SweepPairs.Pair pair = e.getKey();
            Listed a = listed.get(pair.base());
            Listed b = listed.get(pair.target());
            Map<String, SweepPairs.Outcome> toKeep = record.computeIfAbsent(pair.target(), t -> new LinkedHashMap<>());
            String failure = pairFailures.get(pair);
            if (failure != null) {
                SweepPairs.recordFailure(pair, a.member, b.member, e.getValue(), failure, rows, failures);
                continue;
            }
            Map<String, SweepPairs.Outcome> outcomes = new LinkedHashMap<>();
            for (String id : e.getValue()) {
                SweepPairs.Outcome o = done.get(pair).get(id);
                outcomes.put(id, o != null ? o : SweepPairs.Outcome.failed("no result came back from the executors"));
                if (o != null && PairsFile.keepable(o)) {
                    toKeep.put(PairsFile.key(pair, a.identity, b.identity, params.intruders(), id), o);
                }
            }
            SweepPairs.record(pair, a.member, b.member, outcomes, rows, failures);
        }
        record.forEach((target, kept) -> writeAtomically(outFs, pairsFile(out, listed.get(target).member), PairsFile.json(kept)));
        return new PairsDone(units.size(), resumed, units);
    }

    private static Path pairsFile(Path out, SeriesMember m) {
        return new Path(new Path(out, "checkpoints"), m.fileStem() + PairsFile.SUFFIX);
    }

    /**
     * The protection rule of every Rankscope writer, for Hadoop paths: the output folder is neither
     * an input nor inside one (a checkpoint given as a folder).
     *
     * @throws IllegalArgumentException naming the output folder and the input
     */
    static void checkOutput(Path out, List<Path> inputs) {
        String o = out.toString().replaceAll("/+$", "");
        for (Path in : inputs) {
            String i = in.toString().replaceAll("/+$", "");
            if (o.equals(i) || o.startsWith(i + "/")) {
                throw new IllegalArgumentException(out + ": the output folder is inside the input " + in
                        + "; choose a folder outside the checkpoints");
            }
        }
    }

    /** Keeps the analysed matrices of a previous run's JSON when the checkpoint still has the identity recorded beside it. */
    private static void resume(Listed l, FileSystem fs, Path json) {
        Path identity = new Path(json.getParent(), json.getName() + IDENTITY_SUFFIX);
        try {
            if (!fs.exists(json) || !fs.exists(identity) || !readText(fs, identity).strip().equals(l.identity.strip())) {
                return;
            }
            CheckpointAnalysis previous;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(json), StandardCharsets.UTF_8))) {
                previous = AnalysisJson.read(r, json.toString());
            }
            for (MatrixAnalysis a : previous.matrices()) {
                MatrixRef ref = l.byId.get(a.name().id());
                if (ref != null && ref.equals(a.spectrum().ref()) && !a.spectrum().approximate()) {
                    l.resumed.put(a.name().id(), a);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable previous output is recomputed, never trusted
            l.resumed.clear();
        }
    }

    private static CheckpointAnalysis assemble(Listed l, Map<String, UnitResult> results, EngineInfo engine) {
        AnalysisCollector collector = new AnalysisCollector(l.refs);
        Map<String, MatrixName> names = new HashMap<>();
        for (MatrixName n : NameParser.parseAll(l.refs.stream().map(MatrixRef::id).toList())) {
            names.put(n.id(), n);
        }
        // metrics (MP fit, power law) on the driver's cores in parallel; the collector orders by listing
        l.refs.parallelStream().forEach(ref -> {
            MatrixAnalysis kept = l.resumed.get(ref.id());
            if (kept != null) {
                collector.onMatrix(kept);
                return;
            }
            UnitResult r = results.get(ref.id());
            if (r == null) {
                collector.onFailure(ref, new RankscopeException("no result came back from the executors"));
            } else if (r.failure() != null) {
                collector.onFailure(ref, new RankscopeException(r.failure()));
            } else {
                try {
                    Spectrum s = new Spectrum(ref, r.sigma(), SvdMethod.valueOf(r.method()), Precision.F64, false, r.millis());
                    collector.onMatrix(Analyzer.analyze(names.get(ref.id()), l.dtypes.get(ref.tensor()), s, AnalysisParameters.DEFAULT));
                } catch (RankscopeException e) {
                    collector.onFailure(ref, e);
                }
            }
        });
        return new CheckpointAnalysis(new SourceInfo(l.member.path(), l.format, l.sha, l.tensors, l.refs.size()),
                engine, collector.analyses(), Instant.now(), collector.failureMessages());
    }

    /** The table as one Parquet file in the folder {@code target} (Spark's layout), replacing a previous one. */
    private static void writeParquet(SparkSession spark, SweepTable table, List<SweepRow> rows, String target) {
        List<SweepTable.Column> columns = table.columns();
        List<StructField> fields = new ArrayList<>();
        for (SweepTable.Column c : columns) {
            DataType type = switch (c.kind()) {
                case INT -> DataTypes.IntegerType;
                case LONG -> DataTypes.LongType;
                case DOUBLE -> DataTypes.DoubleType;
                case STRING -> DataTypes.StringType;
            };
            fields.add(DataTypes.createStructField(c.name(), type, true));
        }
        List<Row> data = new ArrayList<>(rows.size());
        for (SweepRow r : rows) {
            Object[] values = new Object[columns.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = columns.get(i).value().apply(r);
            }
            data.add(RowFactory.create(values));
        }
        StructType schema = DataTypes.createStructType(fields);
        spark.createDataFrame(data, schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(target);
    }

    private static SeriesOrder.Ordered readList(String listFile, Configuration conf) {
        Path list = new Path(listFile);
        FileSystem fs = fileSystem(list, conf);
        try {
            if (!fs.exists(list)) {
                throw new IllegalArgumentException(listFile + ": list file not found");
            }
            return SeriesOrder.fromLines(readText(fs, list).lines().toList(), list.getParent().toString(), listFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(listFile + ": list file cannot be read (" + e.getMessage() + ")");
        }
    }

    private static FileSystem fileSystem(Path path, Configuration conf) {
        try {
            return path.getFileSystem(conf);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(path + ": cannot be reached (" + e.getMessage() + ")");
        }
    }

    static String readText(FileSystem fs, Path file) throws IOException {
        try (var in = fs.open(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes {@code text} to a hidden temporary file beside {@code target}, then renames it into place. */
    static void writeAtomically(FileSystem fs, Path target, String text) {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".rankscope-tmp");
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true); Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                w.write(text);
            }
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the temporary file stays; the target was not touched
            }
            throw new UncheckedIOException(target + ": cannot be written: " + e.getMessage(), e);
        }
    }

    /** Command-line arguments of {@link #main}. */
    static final class Args {
        SweepParameters params;
        int partitions;

        static Args parse(String[] args) {
            List<String> ckpts = new ArrayList<>();
            String list = null;
            String out = null;
            List<String> metrics = List.of();
            SweepParameters.Updates updates = SweepParameters.Updates.NONE;
            boolean intruders = false;
            int k = IntruderParameters.DEFAULT.k();
            double epsilon = IntruderParameters.DEFAULT.epsilon();
            int partitions = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--updates=")) {
                    updates = SweepParameters.Updates.parse(a.substring("--updates=".length()));
                    continue;
                }
                switch (a) {
                    case "--list" -> list = value(args, ++i, a);
                    case "--out" -> out = value(args, ++i, a);
                    case "--metrics" -> metrics = List.of(value(args, ++i, a).split(","));
                    case "--updates" -> updates = SweepParameters.Updates.CONSECUTIVE;
                    case "--intruders-vs-first" -> intruders = true;
                    case "--k" -> k = (int) number(value(args, ++i, a), a, true);
                    case "--epsilon" -> epsilon = number(value(args, ++i, a), a, false);
                    case "--partitions" -> {
                        partitions = (int) number(value(args, ++i, a), a, true);
                        if (partitions < 1) {
                            throw new IllegalArgumentException("--partitions must be ≥ 1");
                        }
                    }
                    default -> {
                        if (a.startsWith("--")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        ckpts.add(a);
                    }
                }
            }
            Args parsed = new Args();
            parsed.params = new SweepParameters(ckpts, list, out, metrics, updates, intruders, new IntruderParameters(k, epsilon),
                    null, 0, false);
            parsed.partitions = partitions;
            return parsed;
        }

        private static double number(String v, String option, boolean whole) {
            try {
                return whole ? Integer.parseInt(v) : Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be " + (whole ? "a whole number" : "a number") + ", not '" + v + "'");
            }
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
