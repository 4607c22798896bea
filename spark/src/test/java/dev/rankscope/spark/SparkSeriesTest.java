package dev.rankscope.spark;

import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SweepColumns;
import dev.rankscope.application.sweep.SweepJob;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.application.sweep.SweepRow;
import dev.rankscope.application.sweep.UpdateMetrics;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.testing.GgufTestWriter;
import dev.rankscope.engine.testing.TestEncoding;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark sweep in {@code local[2]} against the local sweep ({@code rankscope sweep}'s job, whose
 * per-checkpoint JSON equals {@code rankscope analyze}) on the same generated series: sharded
 * safetensors read through Hadoop, a GGUF checkpoint from a local path, update spectra and
 * intruder counts (σ and every metric to 1e-12, intruder counts equal), resume of the pairwise
 * part, and the bad inputs of issue 17 item 5 (mixed shapes, names without steps, an unreachable
 * {@code hdfs://} path).
 */
class SparkSeriesTest {
    private static final ModelShape MINI = new ModelShape("mini", 2, 32, 48, 4, 2, 64, false);
    /** MINI with another intermediate size: its MLP matrices differ in shape. */
    private static final ModelShape WIDER = new ModelShape("wider", 2, 32, 56, 4, 2, 64, false);
    private static final double TOLERANCE = 1e-12;
    private static final SweepJob LOCAL = new SweepJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, null, null,
            java.time.Clock.systemUTC())));

    @TempDir
    static Path dir;
    private static SparkSession spark;
    private static int perModel;

    @BeforeAll
    static void start() throws Exception {
        spark = LocalSpark.session();
        perModel = (int) MINI.tensors().stream().filter(ModelShape.TensorSpec::isMatrix).count();
        long seed = 31;
        for (String name : List.of("step1", "step3", "step6")) {
            SyntheticModel.write(dir.resolve("sharded").resolve(name), new SyntheticModel.Parameters(MINI, seed++, DType.F32, 3));
        }
    }

    private static SweepParameters params(List<String> checkpoints, Path out, SweepParameters.Updates updates, boolean intruders) {
        return new SweepParameters(checkpoints, null, out.toString(), List.of(), updates, intruders, null, null, 1, false);
    }

    private static List<String> sharded(String... names) {
        return java.util.Arrays.stream(names).map(n -> dir.resolve("sharded").resolve(n).toString()).toList();
    }

    private static void assertClose(double expected, double actual, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, TOLERANCE * Math.max(1, Math.abs(expected)), what);
        }
    }

    /** Every row of the local sweep has its Spark twin: same cells, metrics and updates to 1e-12, same intruder counts. */
    private static void assertSameTable(List<SweepRow> local, List<SweepRow> spark) {
        assertEquals(local.size(), spark.size());
        Map<String, SweepRow> byKey = new HashMap<>();
        spark.forEach(r -> byKey.put(r.checkpoint() + "|" + r.matrix(), r));
        for (SweepRow l : local) {
            String what = l.checkpoint() + " " + l.matrix();
            SweepRow s = byKey.get(l.checkpoint() + "|" + l.matrix());
            assertNotNull(s, what);
            assertEquals(List.of(l.checkpointIndex(), l.rows(), l.cols(), l.ok(), String.valueOf(l.dtype()), String.valueOf(l.step())),
                    List.of(s.checkpointIndex(), s.rows(), s.cols(), s.ok(), String.valueOf(s.dtype()), String.valueOf(s.step())), what);
            double[] ml = l.metrics();
            double[] ms = s.metrics();
            for (int k = 0; k < ml.length; k++) {
                assertClose(ml[k], ms[k], what + " " + SweepColumns.all().get(k).name());
            }
            assertEquals(l.updateBase(), s.updateBase(), what);
            assertEquals(l.updateFailure() == null, s.updateFailure() == null, what + ": " + s.updateFailure());
            assertEquals(l.update() == null, s.update() == null, what);
            if (l.update() != null) {
                UpdateMetrics a = l.update();
                UpdateMetrics b = s.update();
                assertClose(a.relativeNorm(), b.relativeNorm(), what + " update_relative_norm");
                assertClose(a.effectiveRank(), b.effectiveRank(), what + " update_effective_rank");
                assertClose(a.stableRank(), b.stableRank(), what + " update_stable_rank");
                assertEquals(a.rankAt90(), b.rankAt90(), what + " update r90");
            }
            assertEquals(l.intruders(), s.intruders(), what + " intruders");
        }
    }

    /** Each checkpoint's JSON from Spark holds the local sweep's (= analyze's) σ to 1e-12 and the same provenance. */
    private static void assertSameJson(Path localOut, Path sparkOut, List<SeriesMember> series) throws Exception {
        for (SeriesMember m : series) {
            Path l = localOut.resolve("checkpoints").resolve(m.fileStem() + ".json");
            if (!Files.exists(l)) {
                continue;
            }
            CheckpointAnalysis a = AnalysisJson.read(l);
            CheckpointAnalysis b = AnalysisJson.read(sparkOut.resolve("checkpoints").resolve(m.fileStem() + ".json"));
            assertEquals(a.source().format(), b.source().format(), m.label());
            assertEquals(a.source().headerSha256(), b.source().headerSha256(), m.label());
            assertEquals(a.matrices().size(), b.matrices().size(), m.label());
            for (int i = 0; i < a.matrices().size(); i++) {
                double[] sa = a.matrices().get(i).spectrum().sigma();
                double[] sb = b.matrices().get(i).spectrum().sigma();
                assertEquals(sa.length, sb.length);
                for (int k = 0; k < sa.length; k++) {
                    assertClose(sa[k], sb[k], m.label() + " " + a.matrices().get(i).name().id() + " σ" + k);
                }
            }
        }
    }

    @Test
    void shardedSeriesWithUpdatesAndIntrudersEqualsTheLocalSweep() throws Exception {
        List<String> ckpts = sharded("step6", "step1", "step3");
        SweepResult local = LOCAL.task(params(ckpts, dir.resolve("local-consecutive"), SweepParameters.Updates.CONSECUTIVE, true)).runHere();
        SparkSweep.Outcome o = SparkSweep.run(spark, params(ckpts, dir.resolve("spark-consecutive"), SweepParameters.Updates.CONSECUTIVE, true), 3);

        assertEquals(List.of(), local.failures());
        assertEquals(List.of(), o.failures());
        assertEquals(3L * perModel, o.unitsComputed());
        assertEquals(2L * perModel * 2, o.pairsComputed(), "two updates and two intruder counts per matrix");
        assertTrue(o.rows().stream().filter(r -> r.checkpointIndex() > 0).allMatch(r -> r.update() != null && r.intruders() != null));
        assertEquals("step3", o.rows().stream().filter(r -> r.checkpoint().equals("step6")).findFirst().orElseThrow().updateBase());
        assertSameTable(local.rows(), o.rows());
        assertSameJson(dir.resolve("local-consecutive"), dir.resolve("spark-consecutive"), local.series());
        CheckpointAnalysis json = AnalysisJson.read(dir.resolve("spark-consecutive").resolve("checkpoints").resolve("000-step1.json"));
        assertEquals("safetensors (sharded, 3 files)", json.source().format());
    }

    @Test
    void aRerunSkipsUpdatesAlreadyDoneAndRecomputesOnlyWhatAChangedCheckpointTouches() throws Exception {
        Path root = dir.resolve("resume-series");
        long seed = 51;
        for (String name : List.of("step1", "step3", "step6")) {
            SyntheticModel.write(root.resolve(name), new SyntheticModel.Parameters(MINI, seed++, DType.F32, 2));
        }
        List<String> ckpts = List.of("step1", "step3", "step6").stream().map(n -> root.resolve(n).toString()).toList();
        Path out = dir.resolve("spark-first");
        SparkSweep.Outcome first = SparkSweep.run(spark, params(ckpts, out, SweepParameters.Updates.FIRST, true), 2);
        assertEquals(4L * perModel, first.pairsComputed());
        byte[] csv = Files.readAllBytes(out.resolve("sweep.csv"));

        SparkSweep.Outcome again = SparkSweep.run(spark, params(ckpts, out, SweepParameters.Updates.FIRST, true), 2);
        assertEquals(0, again.unitsComputed());
        assertEquals(0, again.pairsComputed());
        assertEquals(4 * perModel, again.pairsResumed());
        assertArrayEquals(csv, Files.readAllBytes(out.resolve("sweep.csv")), "a resumed run writes the same table");

        // step6 rewritten: its spectra and its two pairs against step1 are recomputed, step3's are kept
        SyntheticModel.write(root.resolve("step6"), new SyntheticModel.Parameters(MINI, 99, DType.F32, 2));
        SparkSweep.Outcome changed = SparkSweep.run(spark, params(ckpts, out, SweepParameters.Updates.FIRST, true), 2);
        assertEquals(perModel, changed.unitsComputed());
        assertEquals(2L * perModel, changed.pairsComputed());
        assertEquals(2 * perModel, changed.pairsResumed());
        SweepResult local = LOCAL.task(params(ckpts, dir.resolve("local-first"), SweepParameters.Updates.FIRST, true)).runHere();
        assertSameTable(local.rows(), changed.rows());

        // other intruder parameters: the counts are recomputed, the updates kept
        SweepParameters otherK = new SweepParameters(ckpts, null, out.toString(), List.of(), SweepParameters.Updates.FIRST, true,
                new dev.rankscope.analysis.intruders.IntruderParameters(5, 0.5), null, 1, false);
        SparkSweep.Outcome k5 = SparkSweep.run(spark, otherK, 2);
        assertEquals(2L * perModel, k5.pairsComputed());
        assertEquals(2 * perModel, k5.pairsResumed());
    }

    private static Path gguf(Path file, long seed) throws Exception {
        Random r = new Random(seed);
        double[] q = new double[32 * 32];
        double[] up = new double[48 * 32];
        for (int i = 0; i < q.length; i++) {
            q[i] = r.nextGaussian();
        }
        for (int i = 0; i < up.length; i++) {
            up[i] = r.nextGaussian();
        }
        return new GgufTestWriter(3, 32)
                .tensor("blk.0.attn_q.weight", new long[] {32, 32}, DType.F32, TestEncoding.encode(DType.F32, q))
                .tensor("blk.0.ffn_up.weight", new long[] {48, 32}, DType.F32, TestEncoding.encode(DType.F32, up))
                .write(file);
    }

    @Test
    void badInputComparesWhatMatchesNamesTheRestAndFinishes() throws Exception {
        Path root = dir.resolve("mixed");
        SyntheticModel.write(root.resolve("alpha"), new SyntheticModel.Parameters(MINI, 71, DType.F32, 2));
        SyntheticModel.write(root.resolve("beta"), new SyntheticModel.Parameters(WIDER, 72, DType.F32, 1));
        gguf(root.resolve("gamma.gguf"), 73);
        String unreachable = "hdfs://127.0.0.1:1/runs/delta";
        List<String> ckpts = List.of(root.resolve("gamma.gguf").toString(), unreachable, root.resolve("beta").toString(),
                root.resolve("alpha").toString());

        SparkSweep.Outcome o = SparkSweep.run(spark, params(ckpts, dir.resolve("spark-mixed"), SweepParameters.Updates.FIRST, false), 2);
        SweepResult local = LOCAL.task(params(ckpts, dir.resolve("local-mixed"), SweepParameters.Updates.FIRST, false)).runHere();

        // names without steps: name order, said once
        assertEquals(List.of("alpha", "beta", "delta", "gamma.gguf"), o.series().stream().map(SeriesMember::label).toList());
        assertTrue(o.notes().contains("no step number in any checkpoint name; series ordered by name"), o.notes().toString());
        assertTrue(local.notes().contains("no step number in any checkpoint name; series ordered by name"), local.notes().toString());
        // the unreachable Hadoop path: one line naming it, the rest finishes
        assertEquals(1, o.failures().size(), o.failures().toString());
        String line = o.failures().get(0);
        assertTrue(line.startsWith("delta: ") && line.contains("cannot be reached") && !line.contains("\n"), line);
        assertEquals(1, local.failures().size(), local.failures().toString());
        assertTrue(local.failures().get(0).startsWith("delta: ") && local.failures().get(0).contains("Hadoop")
                && !local.failures().get(0).contains("\n"), local.failures().get(0));
        // mixed shapes and architectures: what matches is compared, the rest listed
        String up = "model.layers.0.mlp.up_proj.weight";
        String q = "model.layers.0.self_attn.q_proj.weight";
        assertTrue(o.unmatched().stream().anyMatch(u -> u.startsWith(up + ": ") && u.contains("shape differs from 48×32 in beta (56×32)")), o.unmatched().toString());
        assertTrue(o.unmatched().stream().anyMatch(u -> u.startsWith("blk.0.attn_q.weight: not in alpha")), o.unmatched().toString());
        assertEquals(local.unmatched(), o.unmatched());
        SweepRow betaQ = o.rows().stream().filter(r -> r.checkpoint().equals("beta") && r.matrix().equals(q)).findFirst().orElseThrow();
        SweepRow betaUp = o.rows().stream().filter(r -> r.checkpoint().equals("beta") && r.matrix().equals(up)).findFirst().orElseThrow();
        assertNotNull(betaQ.update());
        assertNull(betaUp.update());
        assertNull(betaUp.updateFailure());
        assertTrue(betaUp.ok());
        // the GGUF checkpoint was analysed from its local path like analyze does
        assertEquals(2, o.rows().stream().filter(r -> r.checkpoint().equals("gamma.gguf") && r.ok()).count());
        assertFalse(o.rows().stream().anyMatch(r -> r.checkpoint().equals("delta")));
        assertSameTable(local.rows(), o.rows());
        assertSameJson(dir.resolve("local-mixed"), dir.resolve("spark-mixed"), local.series());
    }
}
