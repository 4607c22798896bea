package dev.rankscope.app.cli;

import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope sweep} end to end on three small generated checkpoints: outputs, equality with
 * {@code rankscope analyze --json}, and the bad-input rules (one line, exit 2; exit 1 when a
 * checkpoint of the series fails and the others finish).
 */
class SweepCommandTest {
    private static final ModelShape MINI = new ModelShape("mini", 1, 32, 48, 4, 2, 64, false);

    @TempDir
    static Path dir;

    private record Run(int code, String out, String err) { }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = RankscopeCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void series() {
        long seed = 1;
        for (String name : List.of("step30", "step2", "step10")) {
            SyntheticModel.write(dir.resolve(name), new SyntheticModel.Parameters(MINI, seed++, DType.F32, 1));
        }
    }

    @Test
    void sweepWritesTheTableAndOneAnalysisPerCheckpointEqualToAnalyze() throws Exception {
        Path out = dir.resolve("out1");
        Run r = run("sweep", dir.resolve("step30").toString(), dir.resolve("step2").toString(), dir.resolve("step10").toString(),
                "--out", out.toString(), "--updates", "--intruders-vs-first", "--no-cache", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("rankscope: analysing checkpoint 1 of 3 (step2)"), r.err());
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        int matrices = MINI.tensors().stream().filter(ModelShape.TensorSpec::isMatrix).mapToInt(t -> 1).sum();
        assertEquals(1 + 3 * matrices, csv.size());
        assertTrue(csv.get(1).startsWith("0,step2,2,"), csv.get(1));
        assertTrue(Files.size(out.resolve("sweep.parquet")) > 0);
        String[] stems = {"000-step2", "001-step10", "002-step30"};
        String[] names = {"step2", "step10", "step30"};
        for (int i = 0; i < 3; i++) {
            Path json = dir.resolve(names[i] + ".json");
            assertEquals(0, run("analyze", dir.resolve(names[i]).toString(), "--json", json.toString(), "--no-cache", "--quiet").code());
            CheckpointAnalysis expected = AnalysisJson.read(json);
            CheckpointAnalysis swept = AnalysisJson.read(out.resolve("checkpoints").resolve(stems[i] + ".json"));
            assertEquals(expected.source(), swept.source());
            assertEquals(expected.matrices().size(), swept.matrices().size());
            for (int m = 0; m < expected.matrices().size(); m++) {
                assertArrayEquals(expected.matrices().get(m).spectrum().sigma(), swept.matrices().get(m).spectrum().sigma());
                assertEquals(expected.matrices().get(m).ranks(), swept.matrices().get(m).ranks());
            }
        }
    }

    @Test
    void aBrokenCheckpointIsNamedOnceAndTheOthersFinish() throws Exception {
        Path bad = dir.resolve("step40");
        Files.createDirectories(bad);
        Files.writeString(bad.resolve("model.safetensors"), "not a checkpoint");
        Path out = dir.resolve("out2");
        Run r = run("sweep", dir.resolve("step2").toString(), bad.toString(), "--out", out.toString(), "--no-cache", "--quiet");
        assertEquals(1, r.code(), r.err());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("rankscope: failed: step40: "), lines.get(0));
        assertTrue(Files.exists(out.resolve("checkpoints").resolve("000-step2.json")));
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Run none = run("sweep", "--out", dir.resolve("o3").toString());
        assertEquals(2, none.code());
        assertEquals("rankscope: give the checkpoints of the sweep, or --list FILE", none.err().strip());

        Path missing = dir.resolve("nope.txt");
        Run list = run("sweep", "--list", missing.toString(), "--out", dir.resolve("o4").toString());
        assertEquals(2, list.code());
        assertEquals("rankscope: " + missing + ": list file not found", list.err().strip());

        Run mode = run("sweep", dir.resolve("step2").toString(), "--out", dir.resolve("o5").toString(), "--updates=sideways");
        assertEquals(2, mode.code());
        assertEquals("rankscope: --updates must be consecutive or first, not 'sideways'", mode.err().strip());

        Run metric = run("sweep", dir.resolve("step2").toString(), "--out", dir.resolve("o6").toString(), "--metrics", "alpha,beta");
        assertEquals(2, metric.code());
        assertTrue(metric.err().strip().startsWith("rankscope: unknown metric 'beta'; known: effective_rank,"), metric.err());

        // the output folder inside a checkpoint folder: refused before any work, nothing written
        Path inside = dir.resolve("step2").resolve("sweep-out");
        Run into = run("sweep", dir.resolve("step2").toString(), dir.resolve("step10").toString(), "--out", inside.toString(), "--quiet");
        assertEquals(2, into.code(), into.err());
        assertEquals(1, into.err().lines().count(), into.err());
        assertTrue(into.err().startsWith("rankscope: "), into.err());
        assertTrue(!Files.exists(inside), "nothing written into the input folder");

        // a Hadoop URI: one line pointing to the Spark job, no stack trace
        Run hdfs = run("sweep", "hdfs://namenode:8020/runs/step1", "--out", dir.resolve("o8").toString(), "--quiet");
        assertEquals(2, hdfs.code(), hdfs.err());
        assertTrue(hdfs.err().contains("rankscope: failed: step1: hdfs://namenode:8020/runs/step1: a Hadoop path; "
                + "rankscope sweep reads local files, the Spark job (rankscope-spark) reads hdfs://\n"), hdfs.err());
        assertTrue(!hdfs.err().contains("Exception"), hdfs.err());

        Path notCkpt = dir.resolve("plain.txt");
        Files.writeString(notCkpt, "hello");
        Run onlyBad = run("sweep", notCkpt.toString(), "--out", dir.resolve("o7").toString(), "--quiet");
        assertEquals(2, onlyBad.code(), onlyBad.err());
        assertTrue(onlyBad.err().contains("no matrix of any checkpoint could be analysed"), onlyBad.err());
    }
}
