package dev.rankscope.application.sweep;

import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.analyze.AnalyzeResult;
import dev.rankscope.application.analyze.SpectraTask;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.SpectrumTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One run of {@link SweepJob}: orders the series ({@link SeriesOrder}), opens every checkpoint's
 * header (a checkpoint that cannot be opened is a failure, the others go on), analyses each
 * checkpoint in turn with the analysis step of {@code rankscope analyze} ({@link SpectraTask}:
 * spectrum cache, memory budget, failure collection), writes its {@code rankscope-analysis} JSON, then
 * computes the update spectra and intruder counts asked for over the matrices that match
 * ({@link SeriesMatching}), and finally writes {@code sweep.csv}, {@code sweep.parquet} and {@code series.json}.
 *
 * <p><b>A checkpoint that changes during the sweep</b> is detected by its {@link FileIdentity}
 * (path, size, mtime, file key), taken when it is opened: after its analysis the identity is read
 * again; if it changed, the analysis is thrown away (nothing written) and the
 * checkpoint is analysed once more; if it changes again it fails. Update and intruder pairs check
 * both checkpoints' identities before and after reading against the identity their analysis
 * used; a mismatch fails that pair with the reason, so no row ever mixes two versions of a file.
 *
 * <p>Progress: the fraction of checkpoints analysed (first 80 %), then of pairs; messages name the
 * checkpoint. Cancel is checked between matrices and checkpoints.
 */
final class SweepTask extends JobTask<SweepResult> {
    private static final String CHANGED = "changed during the sweep";
    private static final java.util.regex.Pattern HADOOP_URI = java.util.regex.Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://.*");

    private final SweepJob job;
    private final SweepParameters params;
    private final List<String> failures = new ArrayList<>();
    private int computed;
    private int fromCache;
    /** The analysis running now, cancelled with this task. */
    private volatile SpectraTask current;
    private SvdBackend backend;

    SweepTask(SweepJob job, SweepParameters params) {
        super("Sweep of " + (params.listFile() != null ? params.listFile() : params.checkpoints().size() + " checkpoints"));
        this.job = job;
        this.params = params;
    }

    /** What the sweep knows about one opened checkpoint. */
    private static final class Opened {
        final SeriesMember member;
        FileIdentity identity;
        List<MatrixRef> refs;
        Map<String, MatrixRef> byId = new LinkedHashMap<>();
        boolean analysed;

        Opened(SeriesMember member) {
            this.member = member;
        }
    }

    @Override
    protected SweepResult compute() {
        backend = job.analyze().backend(params.engine());
        note("engine " + backend.info().describe());
        SeriesOrder.Ordered order = params.order();
        order.notes().forEach(this::note);
        List<SeriesMember> members = order.members();
        Path out = Path.of(params.out());

        // 1. open every header (cheap): listing, identity, the files to protect
        List<Opened> opened = new ArrayList<>();
        List<Path> inputs = new ArrayList<>();
        for (SeriesMember m : members) {
            checkCancelled();
            Opened o = new Opened(m);
            try (TensorSource source = Checkpoints.open(localPath(m))) {
                o.identity = identity(source);
                o.refs = MatrixListing.of(source, false).matrices();
                o.refs.forEach(r -> o.byId.put(r.id(), r));
                inputs.addAll(ProtectedInputs.of(source));
            } catch (RankscopeException e) {
                failures.add(m.label() + ": " + e.userMessage());
                o.refs = null;
            }
            opened.add(o);
        }
        if (params.listFile() != null) {
            inputs.add(Path.of(params.listFile()));
        }
        // the one protection rule: nothing onto or into an input, refused before any work
        AtomicFileWriter files = ProtectedInputs.checked(inputs, out.resolve("sweep.csv"), out.resolve("sweep.parquet"),
                out.resolve("series.json"), out.resolve("checkpoints").resolve("x.json"));
        List<String> written = new ArrayList<>();

        // 2. analyse each checkpoint, write its JSON
        SweepRows rows = new SweepRows();
        for (Opened o : opened) {
            checkCancelled();
            progress(0.8 * o.member.index() / members.size(),
                    "analysing checkpoint " + (o.member.index() + 1) + " of " + members.size() + " (" + o.member.label() + ")");
            if (o.refs == null) {
                continue;
            }
            CheckpointAnalysis analysis = analyseChecked(o);
            if (analysis == null) {
                continue;
            }
            Path json = out.resolve("checkpoints").resolve(o.member.fileStem() + ".json");
            AnalysisJson.write(analysis, json, files);
            written.add(json.toString());
            o.analysed = true;
            SweepOutputs.CheckpointRows own = SweepOutputs.rows(o.member, o.refs, analysis);
            own.rows().forEach(rows::add);
            failures.addAll(own.failures());
        }

        // 3. what matches across the series
        SeriesMatching matching = SeriesMatching.of(opened.stream().map(o -> o.refs).toList());
        List<String> unmatched = matching.unmatched(members.stream().map(SeriesMember::label).toList());
        if (!unmatched.isEmpty()) {
            note(unmatched.size() + " matrices are not in every checkpoint with the same shape; compared only where they match (series.json lists them)");
        }

        // 4. update spectra and intruder counts over matching pairs
        List<SweepPairs.Pair> pairs = SweepPairs.pairs(params, members.size());
        for (int i = 0; i < pairs.size(); i++) {
            checkCancelled();
            SweepPairs.Pair pair = pairs.get(i);
            progress(0.8 + 0.2 * i / pairs.size(), pair.kind().label() + " of " + members.get(pair.target()).label());
            pairwise(pair, opened.get(pair.base()), opened.get(pair.target()), matching, rows);
        }

        // 5. the table and the series summary
        SweepTable table = params.table();
        Path csv = out.resolve("sweep.csv");
        table.writeCsv(rows.list(), csv, files);
        written.add(csv.toString());
        Path parquet = out.resolve("sweep.parquet");
        SweepParquet.write(table, rows.list(), parquet, files);
        written.add(parquet.toString());
        if (fromCache > 0) {
            note(fromCache + " spectra from the cache");
        }
        SweepResult partial = new SweepResult(members, rows.list(), unmatched, failures, notes(), computed, fromCache, written);
        Path summary = out.resolve("series.json");
        files.writeBytes(summary, SweepOutputs.seriesJson(params, members, unmatched, failures, partial.notes(), Map.of())
                .getBytes(StandardCharsets.UTF_8));
        written.add(summary.toString());
        progress(1, "sweep done");
        return new SweepResult(members, rows.list(), unmatched, failures, notes(), computed, fromCache, written);
    }

    @Override
    public void cancel() {
        super.cancel();
        SpectraTask t = current;
        if (t != null) {
            t.cancel();
        }
    }

    /**
     * Analyses {@code o}, checking its identity after the analysis; a changed file is analysed
     * once more from scratch, a second change fails the checkpoint (null). Cache entries made
     * while a file changed are keyed by the identity it had when the analysis began, which the
     * changed file no longer has, so they are never replayed for it.
     */
    private CheckpointAnalysis analyseChecked(Opened o) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try (TensorSource source = Checkpoints.open(localPath(o.member))) {
                FileIdentity before = identity(source);
                if (attempt == 0 && !before.equals(o.identity)) {
                    note(o.member.label() + " " + CHANGED + " (before its analysis); re-listed and analysed as it is now");
                }
                List<MatrixRef> refs = MatrixListing.of(source, false).matrices();
                o.identity = before;
                o.refs = refs;
                o.byId.clear();
                refs.forEach(r -> o.byId.put(r.id(), r));
                AnalyzeResult run = analyse(source, refs);
                FileIdentity after = identity(source);
                if (after.equals(before)) {
                    computed += run.analysis().matrices().size() - run.fromCache();
                    fromCache += run.fromCache();
                    return run.analysis();
                }
                note(o.member.label() + " " + CHANGED + " while it was analysed; " + (attempt == 0 ? "analysing it again" : "giving up"));
            } catch (RankscopeException e) {
                failures.add(o.member.label() + ": " + e.userMessage());
                return null;
            }
        }
        failures.add(o.member.label() + ": " + CHANGED + " twice; not analysed");
        return null;
    }

    /** The analysis step of {@code analyze} (SpectraTask: cache, memory budget, failures) over every listed matrix. */
    private AnalyzeResult analyse(TensorSource source, List<MatrixRef> refs) {
        AnalyzeJob analyze = job.analyze();
        SpectraTask.Engine engine = new SpectraTask.Engine(backend, Precision.F64, params.parallelism(),
                params.useCache() ? analyze.cacheFolder() : null, analyze.memory());
        SpectraTask task = analyze.spectra(source, refs, refs, engine, null);
        String base = message();
        double at = fraction();
        task.addListener(p -> {
            if (p.status() == Status.RUNNING && p.message() != null) {
                progress(at, base + ": " + p.message());
            }
        });
        current = task;
        try {
            if (isCancelled()) {
                task.cancel();
            }
            task.run();
        } finally {
            current = null;
        }
        checkCancelled();
        task.rethrowFailure();
        return task.result();
    }

    /**
     * The update ΔW = W_b − W_a (or the intruder count of b against a) of every matrix that
     * matches between the two checkpoints and was analysed in both, written into b's rows
     * ({@link SweepPairs}). Both checkpoints' identities are checked before and after reading
     * against the identities their analyses used; a change fails the whole pair.
     */
    private void pairwise(SweepPairs.Pair pair, Opened a, Opened b, SeriesMatching matching, SweepRows rows) {
        if (!a.analysed || !b.analysed) {
            return;
        }
        List<String> ids = SweepPairs.matrices(matching, pair, rows, b.byId);
        if (ids.isEmpty()) {
            return;
        }
        Map<String, SweepPairs.Outcome> results;
        try (TensorSource sa = Checkpoints.open(localPath(a.member));
             TensorSource sb = Checkpoints.open(localPath(b.member))) {
            if (!identity(sa).equals(a.identity) || !identity(sb).equals(b.identity)) {
                SweepPairs.recordFailure(pair, a.member, b.member, ids,
                        SweepPairs.changed(identity(sa).equals(a.identity) ? b.member.label() : a.member.label()), rows, failures);
                return;
            }
            results = computePair(pair.kind(), sa, sb, a, b, ids);
            if (!identity(sa).equals(a.identity) || !identity(sb).equals(b.identity)) {
                SweepPairs.recordFailure(pair, a.member, b.member, ids, "a checkpoint " + CHANGED, rows, failures);
                return;
            }
        } catch (RankscopeException e) {
            SweepPairs.recordFailure(pair, a.member, b.member, ids, e.userMessage(), rows, failures);
            return;
        }
        SweepPairs.record(pair, a.member, b.member, results, rows, failures);
    }

    /** Computes every matrix of a pair on {@code parallelism} workers, each claiming its memory first. */
    private Map<String, SweepPairs.Outcome> computePair(SweepPairs.Kind kind, TensorSource sa, TensorSource sb, Opened a,
                                                        Opened b, List<String> ids) {
        MemoryBudget memory = job.analyze().memory() != null ? job.analyze().memory() : MemoryBudget.fromRuntime();
        Map<String, MatrixName> names = names(b.refs);
        int parallelism = params.parallelism();
        int threadsBefore = backend.info().threads();
        backend.setThreadsPerCall(SpectrumTask.blasThreadsFor(parallelism));
        ExecutorService pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "rankscope-sweep");
            t.setDaemon(true);
            return t;
        });
        Map<String, SweepPairs.Outcome> results = new LinkedHashMap<>();
        try {
            Map<String, Future<SweepPairs.Outcome>> futures = new LinkedHashMap<>();
            for (String id : ids) {
                futures.put(id, pool.submit(() -> {
                    if (isCancelled()) {
                        return SweepPairs.Outcome.failed("cancelled");
                    }
                    MatrixRef rb = b.byId.get(id);
                    MemoryBudget.Need need = SweepPairs.need(kind, rb);
                    memory.acquire(rb, need, this::isCancelled);
                    try {
                        return SweepPairs.compute(kind, backend, names.get(id), MatrixReader.read(sa, a.byId.get(id)),
                                MatrixReader.read(sb, rb), params.intruders());
                    } catch (RankscopeException e) {
                        return SweepPairs.Outcome.failed(e.userMessage());
                    } finally {
                        memory.release(need);
                    }
                }));
            }
            for (var e : futures.entrySet()) {
                try {
                    results.put(e.getKey(), e.getValue().get());
                } catch (ExecutionException ex) {
                    Throwable c = ex.getCause();
                    results.put(e.getKey(), SweepPairs.Outcome.failed(c instanceof OutOfMemoryError ? "not enough memory" : String.valueOf(c.getMessage())));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    cancel();
                    checkCancelled();
                }
            }
        } finally {
            pool.shutdownNow();
            backend.setThreadsPerCall(Math.max(1, threadsBefore));
        }
        return results;
    }

    private static Map<String, MatrixName> names(List<MatrixRef> refs) {
        Map<String, MatrixName> out = new HashMap<>();
        for (MatrixName n : NameParser.parseAll(refs.stream().map(MatrixRef::id).toList())) {
            out.put(n.id(), n);
        }
        return out;
    }

    /**
     * The local file of {@code member}; a Hadoop URI ({@code hdfs://}, {@code s3a://}, …) is one
     * sentence pointing to the Spark job, which reads them.
     */
    private static Path localPath(SeriesMember member) {
        java.util.regex.Matcher m = HADOOP_URI.matcher(member.path());
        if (m.matches() && !m.group(1).equalsIgnoreCase("file")) {
            throw new RankscopeException(member.path() + ": a Hadoop path; rankscope sweep reads local files, "
                    + "the Spark job (rankscope-spark) reads " + m.group(1) + "://");
        }
        return m.matches() ? Path.of(java.net.URI.create(member.path()).getPath()) : Path.of(member.path());
    }

    private static FileIdentity identity(TensorSource source) {
        try {
            return FileIdentity.of(source.files());
        } catch (IOException e) {
            throw new RankscopeException(source.path().getFileName() + " cannot be read: " + e.getMessage(), e.toString(), e);
        }
    }

}
