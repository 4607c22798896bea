package dev.rankscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import dev.rankscope.engine.testing.SafetensorsFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run in which one matrix cannot be analysed: the memory budget refuses it (the engine's
 * watchdog, {@link MemoryBudget}), or, for intruders, its weights hold NaN. The failed matrix is
 * named exactly once on stderr with its reason, the others are analysed and exported, and the
 * exit code is 1 — 2 when no matrix could be analysed.
 */
class FailedMatricesCliTest {
    private static final String SMALL = "model.layers.0.self_attn.q_proj.weight";
    private static final String BIG = "model.layers.0.mlp.down_proj.weight";
    /** The Java engine claims 3·8·m·n heap bytes: 288 for the 3×4 matrix, 24 576 for the 32×32 one. */
    private static final MemoryBudget TINY = new MemoryBudget(10_000, 10_000);

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** A safetensors file with a 3×4 matrix and, when {@code withBig}, a 32×32 one (F32). */
    private Path checkpoint(boolean withSmall, boolean withBig) {
        List<String> entries = new java.util.ArrayList<>();
        int offset = 0;
        java.io.ByteArrayOutputStream data = new java.io.ByteArrayOutputStream();
        if (withSmall) {
            float[] ramp = new float[12];
            for (int i = 0; i < ramp.length; i++) {
                ramp[i] = (i * 7 % 13) / 13f;
            }
            entries.add(SafetensorsFixtures.entry(SMALL, "F32", new long[] {3, 4}, offset, offset + 48));
            data.writeBytes(SafetensorsFixtures.f32(ramp));
            offset += 48;
        }
        if (withBig) {
            float[] values = new float[32 * 32];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) Math.sin(i + 1);
            }
            entries.add(SafetensorsFixtures.entry(BIG, "F32", new long[] {32, 32}, offset, offset + 4096));
            data.writeBytes(SafetensorsFixtures.f32(values));
        }
        return SafetensorsFixtures.write(tmp.resolve("model.safetensors"),
                SafetensorsFixtures.header(entries.toArray(String[]::new)), data.toByteArray());
    }

    private CommandLine command(Object command) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new CliErrors());
        return cl;
    }

    /**
     * Runs an analysing command on the 3×4 + 32×32 checkpoint with {@link #TINY} (Java engine, no
     * cache), asserts exit code 1 and the one stderr line naming the refused matrix, and returns it.
     */
    private String runRefusingTheBigMatrix(Object command, AnalysisOptions options, String... extra) {
        options.memory = TINY;
        List<String> args = new java.util.ArrayList<>(List.of(checkpoint(true, true).toString(), "--no-cache", "--engine", "java"));
        args.addAll(List.of(extra));
        assertEquals(RankscopeCli.EXIT_FAILED_MATRICES, command(command).execute(args.toArray(String[]::new)), err.toString());
        return onlyLineNaming(BIG);
    }

    private CommandLine analyze() {
        AnalyzeCommand command = new AnalyzeCommand();
        command.options.memory = TINY;
        return command(command);
    }

    /** The one stderr line that names {@code id}, asserting there is exactly one and it names it once. */
    private String onlyLineNaming(String id) {
        List<String> lines = err.toString().lines().filter(l -> l.contains(id)).toList();
        assertEquals(1, lines.size(), err.toString());
        assertEquals(1, occurrences(lines.get(0), id), "the id stands once in the line: " + lines.get(0));
        assertTrue(lines.get(0).startsWith("rankscope: failed: "), lines.get(0));
        return lines.get(0);
    }

    private static int occurrences(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void analyzeNamesTheRefusedMatrixOnceWritesTheOthersAndExitsOne() throws Exception {
        AnalyzeCommand command = new AnalyzeCommand();
        Path json = tmp.resolve("analysis.json");
        Path csv = tmp.resolve("analysis.csv");
        String failed = runRefusingTheBigMatrix(command, command.options, "--json", json.toString(), "--csv", csv.toString());
        assertTrue(failed.contains("needs about"), "the watchdog's reason: " + failed);
        assertFalse(err.toString().contains("internal error"), err.toString());
        assertTrue(out.toString().lines().anyMatch(l -> l.startsWith(SMALL)), out.toString());
        assertTrue(err.toString().contains("rankscope: wrote " + json), err.toString());
        assertTrue(err.toString().contains("rankscope: wrote " + csv), err.toString());

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(1, root.get("matrices").size());
        assertEquals(SMALL, root.get("matrices").get(0).get("name").asText());
        List<String> rows = Files.readAllLines(csv);
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(1).contains(SMALL) && !rows.get(1).contains(BIG), rows.toString());
    }

    @Test
    void quietAnalyzePrintsOnlyTheFailure() {
        int code = analyze().execute(checkpoint(true, true).toString(), "--no-cache", "--engine", "java", "--quiet");
        assertEquals(RankscopeCli.EXIT_FAILED_MATRICES, code, err.toString());
        onlyLineNaming(BIG);
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    @Test
    void analyzeWithoutAnyAnalysedMatrixExitsTwo() {
        int code = analyze().execute(checkpoint(false, true).toString(), "--no-cache", "--engine", "java", "--quiet");
        assertEquals(RankscopeCli.EXIT_BAD_INPUT, code, err.toString());
        onlyLineNaming(BIG);
    }

    @Test
    void analyzeWithoutFailuresStillExitsZero() {
        int code = analyze().execute(checkpoint(true, false).toString(), "--no-cache", "--engine", "java", "--quiet");
        assertEquals(0, code, err.toString());
        assertEquals("", err.toString());
    }

    @Test
    void planLeavesTheRefusedMatrixOutAndExitsOne() throws Exception {
        PlanCommand command = new PlanCommand();
        Path json = tmp.resolve("plan.json");
        runRefusingTheBigMatrix(command, command.options, "--keep", "1", "--json", json.toString());
        assertTrue(Files.exists(json), err.toString());
        assertTrue(Files.readString(json).contains(SMALL));
        assertFalse(Files.readString(json).contains(BIG));
    }

    @Test
    void reportListsTheRefusedMatrixOnceAndExitsOne() throws Exception {
        ReportCommand command = new ReportCommand();
        Path html = tmp.resolve("report.html");
        runRefusingTheBigMatrix(command, command.options, "--out", html.toString());
        assertTrue(Files.readString(html).contains(SMALL), "the report holds the analysed matrix");
    }

    @Test
    void intrudersNameTheFailedPairOnceAndExitOne() {
        String q = "model.layers.0.self_attn.q_proj.weight";
        String v = "model.layers.1.self_attn.v_proj.weight";
        double[] w = {4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1};
        double[] nan = w.clone();
        nan[5] = Double.NaN;
        Map<String, TensorSource> files = Map.of(
                "base", InMemoryTensorSource.builder("base").matrix(q, 4, 4, w).matrix(v, 4, 4, w).build(),
                "tuned", InMemoryTensorSource.builder("tuned").matrix(q, 4, 4, w).matrix(v, 4, 4, nan).build());
        IntrudersCommand command = new IntrudersCommand(new dev.rankscope.application.intruders.IntrudersJob.Environment(
                p -> {
                    TensorSource s = files.get(p.toString());
                    if (s == null) {
                        throw new CheckpointFormatException(p, CheckpointFormatException.Category.IO, "file or folder not found");
                    }
                    return s;
                },
                p -> null, engine -> new OjAlgoBackend(), NameParser::parse));
        int code = command(command).execute("--base", "base", "--tuned", "tuned", "--k", "1");
        assertEquals(RankscopeCli.EXIT_FAILED_MATRICES, code, err.toString());
        String failed = onlyLineNaming(v);
        assertTrue(failed.startsWith("rankscope: failed: " + v + ": ") && failed.contains("NaN"), failed);
        assertTrue(out.toString().contains("total: 0 intruders in 1 matrices"), out.toString());
        assertTrue(out.toString().contains("failed: " + v), out.toString());
    }
}
