package dev.rankscope.application.sweep;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The local sweep end to end on small generated F64 checkpoints whose updates are known exactly:
 * ΔW of rank 1 (σ = [s]) and of rank 2 (σ = [3, 1]) between consecutive checkpoints.
 */
class SweepJobTest {
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";
    private static final String UP = "model.layers.0.mlp.up_proj.weight";
    private static final SvdBackend BACKEND = Backends.select(Backends.Preference.AUTO);
    /** No cache folder: every spectrum is computed, nothing is written outside the test's folders. */
    private static final SweepJob JOB = new SweepJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, null, null,
            java.time.Clock.systemUTC())));

    private static double[] random(int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
        }
        return x;
    }

    private static double[] unit(int n, long seed) {
        double[] x = random(n, seed);
        double norm = 0;
        for (double v : x) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < n; i++) {
            x[i] /= norm;
        }
        return x;
    }

    /** {@code w + s·u·vᵀ} for unit u (m) and v (n); returns a new array. */
    private static double[] plusRankOne(double[] w, int m, int n, double s, double[] u, double[] v) {
        double[] out = w.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                out[i * n + j] += s * u[i] * v[j];
            }
        }
        return out;
    }

    private record Tensor(int rows, int cols, double[] data) { }

    private static void write(Path folder, Map<String, Tensor> tensors) {
        SafetensorsWriter w = new SafetensorsWriter();
        tensors.forEach((name, t) -> w.add(name, DType.F64, new long[] {t.rows(), t.cols()}, sink -> sink.put(t.data())));
        w.write(folder.resolve("model.safetensors"), AtomicFileWriter.unprotected());
    }

    private static double frobenius(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /** Three checkpoints step2 → step10 (rank-1 update of both) → step30 (rank-2 update, σ = [3, 1], of q). */
    private static List<Path> series(Path dir) {
        double[] q0 = random(16 * 24, 1);
        double[] up0 = random(24 * 16, 2);
        double[] q1 = plusRankOne(q0, 16, 24, 0.5, unit(16, 3), unit(24, 4));
        double[] up1 = plusRankOne(up0, 24, 16, 2.0, unit(24, 5), unit(16, 6));
        // orthonormal u1 ⟂ u2 and v1 ⟂ v2: coordinate vectors
        double[] e0m = new double[16];
        double[] e1m = new double[16];
        double[] e0n = new double[24];
        double[] e1n = new double[24];
        e0m[0] = 1;
        e1m[1] = 1;
        e0n[2] = 1;
        e1n[3] = 1;
        double[] q2 = plusRankOne(plusRankOne(q1, 16, 24, 3.0, e0m, e0n), 16, 24, 1.0, e1m, e1n);
        Path s2 = dir.resolve("step2");
        Path s10 = dir.resolve("step10");
        Path s30 = dir.resolve("step30");
        write(s2, ordered(q0, up0));
        write(s10, ordered(q1, up1));
        write(s30, ordered(q2, up1));
        return List.of(s30, s2, s10);
    }

    private static Map<String, Tensor> ordered(double[] q, double[] up) {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put(Q, new Tensor(16, 24, q));
        m.put(UP, new Tensor(24, 16, up));
        return m;
    }

    private static SweepParameters params(List<Path> ckpts, Path out, SweepParameters.Updates updates, boolean intruders) {
        return new SweepParameters(ckpts.stream().map(Path::toString).toList(), null, out.toString(), List.of(),
                updates, intruders, null, null, 1, false);
    }

    private static SweepRow row(SweepResult r, String checkpoint, String matrix) {
        return r.rows().stream().filter(x -> x.checkpoint().equals(checkpoint) && x.matrix().equals(matrix))
                .findFirst().orElseThrow();
    }

    /** What {@code rankscope analyze} computes for a checkpoint: the same AnalyzeTask over the same listing. */
    private static List<MatrixAnalysis> analyze(Path checkpoint) {
        try (TensorSource s = Checkpoints.open(checkpoint)) {
            List<MatrixRef> refs = MatrixListing.of(s, false).matrices();
            AnalysisCollector c = new AnalysisCollector(refs);
            AnalyzeTask t = new AnalyzeTask(s, refs, BACKEND, Precision.F64, 1, c);
            t.run();
            t.rethrowFailure();
            return c.analyses();
        }
    }

    @Test
    void sweepOrdersAnalysesAndMeasuresUpdates(@TempDir Path dir) throws Exception {
        List<Path> ckpts = series(dir);
        Path out = dir.resolve("out");
        SweepResult r = JOB.task(params(ckpts, out, SweepParameters.Updates.CONSECUTIVE, true)).runHere();

        assertEquals(List.of("step2", "step10", "step30"), r.series().stream().map(SeriesMember::label).toList());
        assertEquals(6, r.rows().size());
        assertTrue(r.rows().stream().allMatch(SweepRow::ok), r.failures().toString());
        assertEquals(List.of(), r.failures());
        assertEquals(List.of(), r.unmatched());
        assertEquals(6, r.spectraComputed());

        // each checkpoint's JSON holds exactly what analyze computes (σ bit for bit, every metric)
        for (SeriesMember m : r.series()) {
            CheckpointAnalysis json = AnalysisJson.read(out.resolve("checkpoints").resolve(m.fileStem() + ".json"));
            List<MatrixAnalysis> expected = analyze(Path.of(m.path()));
            assertEquals(expected.size(), json.matrices().size());
            for (int i = 0; i < expected.size(); i++) {
                assertArrayEquals(expected.get(i).spectrum().sigma(), json.matrices().get(i).spectrum().sigma());
                assertArrayEquals(SweepColumns.values(expected.get(i)),
                        row(r, m.label(), expected.get(i).name().id()).metrics());
            }
        }

        // updates: none for the first checkpoint
        assertNull(row(r, "step2", Q).update());
        // rank-1 update of q: ‖ΔW‖ = 0.5, stable rank 1, r90 1, effective rank 1 (up to the O(1e-15) σ tail)
        double[] q0 = random(16 * 24, 1);
        UpdateMetrics u1 = row(r, "step10", Q).update();
        assertEquals("step2", row(r, "step10", Q).updateBase());
        assertEquals(0.5 / frobenius(q0), u1.relativeNorm(), 1e-12);
        assertEquals(1.0, u1.stableRank(), 1e-12);
        assertEquals(1, u1.rankAt90());
        assertEquals(1.0, u1.effectiveRank(), 1e-9);
        UpdateMetrics upd = row(r, "step10", UP).update();
        assertEquals(2.0 / frobenius(random(24 * 16, 2)), upd.relativeNorm(), 1e-12);
        // rank-2 update σ = [3, 1]: stable rank 10/9, r90 = 1 (9/10 of the energy), erank = exp(H(3/4, 1/4))
        UpdateMetrics u2 = row(r, "step30", Q).update();
        assertEquals("step10", row(r, "step30", Q).updateBase());
        assertEquals(10.0 / 9.0, u2.stableRank(), 1e-12);
        assertEquals(1, u2.rankAt90());
        double h = -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25));
        assertEquals(Math.exp(h), u2.effectiveRank(), 1e-9);
        // up did not change from step10 to step30: ΔW = 0
        assertEquals(0.0, row(r, "step30", UP).update().relativeNorm());
        assertEquals(0, row(r, "step30", UP).update().rankAt90());

        // intruders vs the first checkpoint: counted for every later checkpoint, none for the first
        assertNull(row(r, "step2", Q).intruders());
        assertNotNull(row(r, "step10", Q).intruders());
        assertNotNull(row(r, "step30", UP).intruders());

        // the table: header + 6 rows, update columns present
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(7, csv.size());
        assertTrue(csv.get(0).startsWith("checkpoint_index,checkpoint,step,matrix,layer,module,rows,cols,dtype,status,failure,effective_rank"));
        assertTrue(csv.get(0).endsWith("update_rank_at_energy_0.9,update_failure,intruders_vs_first"), csv.get(0));
        assertTrue(csv.get(1).startsWith("0,step2,2," + Q + ",0,q,16,24,F64,ok,,"), csv.get(1));
        assertTrue(Files.readString(out.resolve("series.json")).contains("\"format\" : \"rankscope-series\""));

        // the Parquet file holds the same rows and values
        List<org.apache.parquet.example.data.Group> groups = readParquet(out.resolve("sweep.parquet"));
        assertEquals(6, groups.size());
        for (int i = 0; i < 6; i++) {
            SweepRow expected = r.rows().get(i);
            org.apache.parquet.example.data.Group g = groups.get(i);
            assertEquals(expected.matrix(), g.getString("matrix", 0));
            assertEquals(expected.checkpoint(), g.getString("checkpoint", 0));
            assertEquals(expected.step(), g.getLong("step", 0));
            for (SweepColumns.Metric m : SweepColumns.all()) {
                double v = expected.metric(m);
                if (Double.isNaN(v)) {
                    assertEquals(0, g.getFieldRepetitionCount(m.name()), m.name());
                } else if (m.integer()) {
                    assertEquals((int) v, g.getInteger(m.name(), 0), m.name());
                } else {
                    assertEquals(v, g.getDouble(m.name(), 0), m.name());
                }
            }
            if (expected.update() != null) {
                assertEquals(expected.update().relativeNorm(), g.getDouble("update_relative_norm", 0));
            }
        }
    }

    static List<org.apache.parquet.example.data.Group> readParquet(Path file) throws java.io.IOException {
        List<org.apache.parquet.example.data.Group> out = new java.util.ArrayList<>();
        try (org.apache.parquet.hadoop.ParquetFileReader r = org.apache.parquet.hadoop.ParquetFileReader.open(
                new org.apache.parquet.io.LocalInputFile(file),
                org.apache.parquet.ParquetReadOptions.builder(new org.apache.parquet.conf.PlainParquetConfiguration()).build())) {
            org.apache.parquet.schema.MessageType schema = r.getFooter().getFileMetaData().getSchema();
            org.apache.parquet.column.page.PageReadStore pages;
            while ((pages = r.readNextRowGroup()) != null) {
                var records = new org.apache.parquet.io.ColumnIOFactory().getColumnIO(schema).getRecordReader(pages,
                        new org.apache.parquet.example.data.simple.convert.GroupRecordConverter(schema));
                for (long i = 0; i < pages.getRowCount(); i++) {
                    out.add(records.read());
                }
            }
        }
        return out;
    }

    @Test
    void onlyChosenMetricsAreWritten(@TempDir Path dir) throws Exception {
        List<Path> ckpts = series(dir);
        Path out = dir.resolve("out");
        JOB.task(new SweepParameters(ckpts.stream().map(Path::toString).toList(), null,
                out.toString(), List.of("stable_rank", "alpha"), null, false, null, null, 2, false)).runHere();
        assertEquals("checkpoint_index,checkpoint,step,matrix,layer,module,rows,cols,dtype,status,failure,stable_rank,alpha",
                Files.readAllLines(out.resolve("sweep.csv")).get(0));
    }

    @Test
    void mixedShapesAndABadCheckpointCompareWhatMatches(@TempDir Path dir) throws Exception {
        List<Path> ckpts = new java.util.ArrayList<>(series(dir));
        // step40: up_proj has another shape; step50: not a checkpoint
        Map<String, Tensor> other = new LinkedHashMap<>();
        other.put(Q, new Tensor(16, 24, random(16 * 24, 9)));
        other.put(UP, new Tensor(32, 16, random(32 * 16, 10)));
        write(dir.resolve("step40"), other);
        Files.createDirectories(dir.resolve("step50"));
        Files.writeString(dir.resolve("step50").resolve("model.safetensors"), "this is not a checkpoint");
        ckpts.add(dir.resolve("step40"));
        ckpts.add(dir.resolve("step50"));
        SweepResult r = JOB.task(params(ckpts, dir.resolve("out"), SweepParameters.Updates.FIRST, false)).runHere();

        assertEquals(5, r.series().size());
        assertEquals(8, r.rows().size(), "4 opened checkpoints × 2 matrices");
        assertEquals(1, r.failures().size(), r.failures().toString());
        assertTrue(r.failures().get(0).startsWith("step50: "), r.failures().get(0));
        assertEquals(List.of(UP + ": shape differs from 24×16 in step40 (32×16); compared only where it matches"), r.unmatched());
        assertNotNull(row(r, "step40", Q).update(), "q matches: compared with the first");
        assertEquals("step2", row(r, "step40", Q).updateBase());
        assertNull(row(r, "step40", UP).update(), "up differs in shape: not compared");
        assertNull(row(r, "step40", UP).updateFailure());
        assertTrue(row(r, "step40", UP).ok(), "its own spectrum is still analysed");
    }

    @Test
    void namesWithoutStepsFallBackToNameOrderAndAHadoopPathIsOneLine(@TempDir Path dir) throws Exception {
        List<Path> steps = series(dir);
        // under a folder without digits: a name without a number is named by a numbered parent folder
        Path beta = Files.createDirectories(dir.resolve("runs")).resolve("beta");
        Path alpha = dir.resolve("runs").resolve("alpha");
        Files.move(steps.get(1), alpha);
        Files.move(steps.get(2), beta);
        List<String> ckpts = List.of(beta.toString(), "s3a://bucket/runs/gamma", alpha.toString());
        SweepResult r = JOB.task(new SweepParameters(ckpts, null, dir.resolve("out").toString(), List.of(),
                SweepParameters.Updates.CONSECUTIVE, false, null, null, 1, false)).runHere();

        assertEquals(List.of("alpha", "beta", "gamma"), r.series().stream().map(SeriesMember::label).toList());
        assertTrue(r.notes().contains("no step number in any checkpoint name; series ordered by name"), r.notes().toString());
        assertEquals(List.of("gamma: s3a://bucket/runs/gamma: a Hadoop path; rankscope sweep reads local files, "
                + "the Spark job (rankscope-spark) reads s3a://"), r.failures());
        assertEquals(4, r.rows().size());
        assertEquals("alpha", row(r, "beta", Q).updateBase(), "the update follows name order");
        assertTrue(Files.readString(dir.resolve("out").resolve("series.json")).contains("series ordered by name"));
    }

    @Test
    void aCheckpointChangedAfterItsAnalysisFailsItsUpdatesInsteadOfMixing(@TempDir Path dir) throws Exception {
        List<Path> ckpts = series(dir);
        JobTask<SweepResult> task = JOB
                .task(params(ckpts, dir.resolve("out"), SweepParameters.Updates.CONSECUTIVE, false));
        AtomicBoolean changed = new AtomicBoolean();
        task.addListener(p -> {
            if (p.message() != null && p.message().startsWith("analysing checkpoint 3") && !changed.getAndSet(true)) {
                write(dir.resolve("step2"), ordered(random(16 * 24, 77), random(24 * 16, 78)));
            }
        });
        SweepResult r = task.runHere();
        assertTrue(changed.get());
        String reason = row(r, "step10", Q).updateFailure();
        assertEquals("update not computed: step2 changed during the sweep", reason);
        assertNull(row(r, "step10", Q).update());
        assertNotNull(row(r, "step30", Q).update(), "the pair step10 → step30 is unaffected");
        assertTrue(r.failures().contains("step10 vs step2: update not computed: step2 changed during the sweep"), r.failures().toString());
    }

    @Test
    void aCheckpointChangedDuringItsAnalysisIsAnalysedAgain(@TempDir Path dir) throws Exception {
        List<Path> ckpts = series(dir);
        Path out = dir.resolve("out");
        JobTask<SweepResult> task = JOB
                .task(params(ckpts, out, SweepParameters.Updates.NONE, false));
        AtomicBoolean changed = new AtomicBoolean();
        task.addListener(p -> {
            if (p.message() != null && p.message().startsWith("analysing checkpoint 2") && p.message().contains("1 of 2")
                    && !changed.getAndSet(true)) {
                write(dir.resolve("step10"), ordered(random(16 * 24, 55), random(24 * 16, 56)));
            }
        });
        SweepResult r = task.runHere();
        assertTrue(changed.get());
        assertTrue(r.notes().contains("step10 changed during the sweep while it was analysed; analysing it again"), r.notes().toString());
        // the JSON is the analysis of the new content only
        CheckpointAnalysis json = AnalysisJson.read(out.resolve("checkpoints").resolve("001-step10.json"));
        List<MatrixAnalysis> now = analyze(dir.resolve("step10"));
        for (int i = 0; i < now.size(); i++) {
            assertArrayEquals(now.get(i).spectrum().sigma(), json.matrices().get(i).spectrum().sigma());
        }
        assertEquals(List.of(), r.failures());
    }
}
