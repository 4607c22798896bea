package dev.rankscope.spark;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SweepColumns;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepParquet;
import dev.rankscope.application.sweep.SweepRow;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark sweep in {@code local[2]} on small generated checkpoints: its spectra and metrics equal
 * what {@code rankscope analyze} computes (the same AnalyzeTask over the same listing), a corrupted
 * checkpoint and a NaN matrix are reported while the rest finishes, and a re-run recomputes nothing.
 */
class SparkSweepTest {
    private static final ModelShape MINI = new ModelShape("mini", 2, 32, 48, 4, 2, 64, false);
    private static final double TOLERANCE = 1e-12;

    @TempDir
    static Path dir;
    private static SparkSession spark;

    @BeforeAll
    static void start() throws Exception {
        spark = LocalSpark.session();
        long seed = 11;
        for (String name : List.of("step2", "step10")) {
            SyntheticModel.write(dir.resolve(name), new SyntheticModel.Parameters(MINI, seed++, DType.F32, 1));
        }
        // step5: one healthy matrix and one holding NaN
        SafetensorsWriter w = new SafetensorsWriter();
        w.add("model.layers.0.self_attn.q_proj.weight", DType.F32, new long[] {8, 12}, sink -> {
            for (int i = 0; i < 96; i++) {
                sink.put(Math.sin(i * 0.37) + (i % 13) * 0.01);
            }
        });
        w.add("model.layers.0.self_attn.k_proj.weight", DType.F32, new long[] {8, 12}, sink -> {
            for (int i = 0; i < 96; i++) {
                sink.put(i == 40 ? Double.NaN : Math.cos(i * 0.21));
            }
        });
        w.write(dir.resolve("step5").resolve("model.safetensors"), AtomicFileWriter.unprotected());
        // step7: corrupted (the header length points past the end of the file)
        Files.createDirectories(dir.resolve("step7"));
        byte[] bad = Files.readAllBytes(dir.resolve("step2").resolve("model.safetensors"));
        Files.write(dir.resolve("step7").resolve("model.safetensors"), java.util.Arrays.copyOf(bad, 200));
    }

    private static SweepParameters params(Path out, String... names) {
        return new SweepParameters(java.util.Arrays.stream(names).map(n -> dir.resolve(n).toString()).toList(), null,
                out.toString(), List.of(), SweepParameters.Updates.NONE, false, null, null, 0, false);
    }

    /** What {@code rankscope analyze} computes: AnalyzeTask over the MatrixListing of the locally opened checkpoint. */
    private static List<MatrixAnalysis> analyze(Path checkpoint) {
        try (TensorSource s = Checkpoints.open(checkpoint)) {
            List<MatrixRef> refs = MatrixListing.of(s, false).matrices();
            AnalysisCollector c = new AnalysisCollector(refs);
            AnalyzeTask t = new AnalyzeTask(s, refs, Backends.select(Backends.Preference.AUTO), Precision.F64, 2, c);
            t.run();
            t.rethrowFailure();
            return c.analyses();
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
        }
    }

    @Test
    void sparkEqualsAnalyzeAndReportsBadInputWhileTheRestFinishes() throws Exception {
        Path out = dir.resolve("out-full");
        SparkSweep.Outcome o = SparkSweep.run(spark, params(out, "step10", "step7", "step5", "step2"), 0);

        assertEquals(List.of("step2", "step5", "step7", "step10"), o.series().stream().map(SeriesMember::label).toList());
        int perModel = MINI.tensors().stream().filter(ModelShape.TensorSpec::isMatrix).mapToInt(t -> 1).sum();
        assertEquals(2 * perModel + 2, o.unitsComputed());
        assertEquals(2, o.failures().size(), o.failures().toString());
        assertTrue(o.failures().get(0).startsWith("step7: "), o.failures().toString());
        assertTrue(o.failures().get(1).startsWith("step5: model.layers.0.self_attn.k_proj.weight: "), o.failures().toString());
        assertEquals(2 * perModel + 2, o.rows().size());
        assertEquals(1, o.rows().stream().filter(r -> !r.ok()).count());

        for (String[] c : new String[][] {{"step2", "000-step2"}, {"step10", "003-step10"}}) {
            List<MatrixAnalysis> expected = analyze(dir.resolve(c[0]));
            CheckpointAnalysis swept = AnalysisJson.read(out.resolve("checkpoints").resolve(c[1] + ".json"));
            assertEquals(expected.size(), swept.matrices().size());
            for (int i = 0; i < expected.size(); i++) {
                MatrixAnalysis e = expected.get(i);
                MatrixAnalysis s = swept.matrices().get(i);
                assertEquals(e.name(), s.name());
                double[] se = e.spectrum().sigma();
                double[] ss = s.spectrum().sigma();
                assertEquals(se.length, ss.length);
                for (int k = 0; k < se.length; k++) {
                    assertClose(se[k], ss[k], e.name().id() + " σ" + k);
                }
                double[] me = SweepColumns.values(e);
                SweepRow row = o.rows().stream().filter(r -> r.checkpoint().equals(c[0]) && r.matrix().equals(e.name().id()))
                        .findFirst().orElseThrow();
                double[] ms = row.metrics();
                double[] mj = SweepColumns.values(s);
                for (int k = 0; k < me.length; k++) {
                    assertClose(me[k], ms[k], e.name().id() + " " + SweepColumns.all().get(k).name());
                    assertClose(me[k], mj[k], e.name().id() + " " + SweepColumns.all().get(k).name() + " (JSON)");
                }
            }
        }

        // the Parquet table Spark wrote holds every row; the CSV has the same columns as rankscope sweep's
        Dataset<Row> table = spark.read().parquet(out.resolve("sweep.parquet").toString());
        assertEquals(o.rows().size(), table.count());
        assertEquals(1, table.filter("status = 'failed'").count());
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertEquals(o.rows().size() + 1, csv.size());
        assertEquals(String.join(",", table.columns()), csv.get(0));

        // the CLI's Hadoop-free Parquet writer produces a file Spark reads with the same values
        Path local = dir.resolve("cli.parquet");
        SweepParquet.write(params(out, "step2").table(), o.rows(), local, AtomicFileWriter.unprotected());
        Dataset<Row> fromCli = spark.read().parquet(local.toString());
        assertEquals(o.rows().size(), fromCli.count());
        assertEquals(table.schema(), fromCli.schema());
        List<Row> a = table.orderBy("checkpoint_index", "matrix").collectAsList();
        List<Row> b = fromCli.orderBy("checkpoint_index", "matrix").collectAsList();
        assertEquals(a, b);
    }

    @Test
    void aRerunRecomputesNothing() throws Exception {
        Path out = dir.resolve("out-resume");
        SparkSweep.Outcome first = SparkSweep.run(spark, params(out, "step2", "step10"), 3);
        int perModel = MINI.tensors().stream().filter(ModelShape.TensorSpec::isMatrix).mapToInt(t -> 1).sum();
        assertEquals(2 * perModel, first.unitsComputed());
        assertEquals(0, first.unitsResumed());
        assertEquals(3, first.partitions());
        byte[] csvBefore = Files.readAllBytes(out.resolve("sweep.csv"));
        CheckpointAnalysis before = AnalysisJson.read(out.resolve("checkpoints").resolve("001-step10.json"));

        SparkSweep.Outcome again = SparkSweep.run(spark, params(out, "step2", "step10"), 3);
        assertEquals(0, again.unitsComputed());
        assertEquals(2 * perModel, again.unitsResumed());
        assertEquals(List.of(), again.failures());
        assertArrayEquals(csvBefore, Files.readAllBytes(out.resolve("sweep.csv")));
        CheckpointAnalysis after = AnalysisJson.read(out.resolve("checkpoints").resolve("001-step10.json"));
        for (int i = 0; i < before.matrices().size(); i++) {
            assertArrayEquals(before.matrices().get(i).spectrum().sigma(), after.matrices().get(i).spectrum().sigma());
        }

        // a checkpoint rewritten since: its identity no longer matches, so it alone is recomputed
        SyntheticModel.write(dir.resolve("step10"), new SyntheticModel.Parameters(MINI, 99, DType.F32, 1));
        SparkSweep.Outcome changed = SparkSweep.run(spark, params(out, "step2", "step10"), 3);
        assertEquals(perModel, changed.unitsComputed());
        assertEquals(perModel, changed.unitsResumed());
        SyntheticModel.write(dir.resolve("step10"), new SyntheticModel.Parameters(MINI, 12, DType.F32, 1));
    }
}
