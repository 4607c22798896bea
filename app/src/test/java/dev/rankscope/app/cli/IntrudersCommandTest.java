package dev.rankscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.peft.PeftAdapterConfig;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the command on in-memory checkpoints (file-based end-to-end tests need the safetensors writer). */
class IntrudersCommandTest {
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private static final String V = "model.layers.1.self_attn.v_proj";

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** W₀ = diag(4,3,2,1) for q, an unchanged v; tuned q = W₀ + 10·uuᵀ (SPEC §3 hand case). */
    private static final double[] W0 = {4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1};
    private static final double[] V0 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13};

    private static double[] handTuned() {
        double[] wt = W0.clone();
        for (int i = 0; i < wt.length; i++) {
            wt[i] += 10 * 0.25;
        }
        return wt;
    }

    private static MatrixName name(String id) {
        int layer = id.startsWith("model.layers.") ? Integer.parseInt(id.split("\\.")[2]) : -1;
        return new MatrixName(id, layer, id.contains("q_proj") ? ModuleType.Q : ModuleType.V, id.replace(".weight", ""));
    }

    private CommandLine command(Map<String, TensorSource> files, Map<String, PeftAdapter> adapters) {
        dev.rankscope.application.intruders.IntrudersJob.Environment env = new dev.rankscope.application.intruders.IntrudersJob.Environment(
                p -> {
                    TensorSource s = files.get(p.toString());
                    if (s == null) {
                        throw new CheckpointFormatException(p, CheckpointFormatException.Category.IO, "file or folder not found");
                    }
                    return s;
                },
                p -> adapters.get(p.toString()),
                engine -> new OjAlgoBackend(),
                IntrudersCommandTest::name);
        CommandLine cl = new CommandLine(new IntrudersCommand(env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler(new CliErrors());
        return cl;
    }

    private Map<String, TensorSource> checkpoints() {
        return Map.of(
                "base", InMemoryTensorSource.builder("base").matrix(Q + ".weight", 4, 4, W0).matrix(V + ".weight", 3, 4, V0).build(),
                "tuned", InMemoryTensorSource.builder("tuned").matrix(Q + ".weight", 4, 4, handTuned())
                        .matrix(V + ".weight", 3, 4, V0).build());
    }

    @Test
    void comparesTwoCheckpointsAndWritesJsonAndCsv() throws Exception {
        Path json = tmp.resolve("out.json");
        Path csv = tmp.resolve("out.csv");
        int code = command(checkpoints(), Map.of()).execute("--base", "base", "--tuned", "tuned", "--k", "1",
                "--epsilon", "0.6", "--json", json.toString(), "--csv", csv.toString());
        assertEquals(0, code, err.toString());
        String table = out.toString();
        assertTrue(table.contains("total: 1 intruders in 2 matrices (k = 1, epsilon = 0.6)"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith(Q + ".weight") && l.contains("4×4") && l.contains("0.5762")), table);
        assertTrue(err.toString().contains("[2/2] " + V + ".weight"), err.toString());
        assertTrue(err.toString().contains("memory: about 1 MiB per pair at peak (largest 4×4)"), err.toString());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("rankscope-intruders", root.get("format").asText());
        assertEquals(1, root.get("total").asInt());
        assertEquals(12.6244, root.get("matrices").get(0).get("intruder_sigma").get(0).asDouble(), 1e-4);
        assertEquals(0, root.get("matrices").get(1).get("intruders").asInt());
        assertEquals(3, Files.readAllLines(csv).size());

        StringWriter out2 = out;
        out2.getBuffer().setLength(0);
        assertEquals(0, command(checkpoints(), Map.of()).execute("--base", "base", "--tuned", "tuned", "--k", "1",
                "--epsilon", "0.5"));
        assertTrue(out.toString().contains("total: 0 intruders in 2 matrices"), out.toString());
    }

    private static PeftAdapter adapter() {
        // B·A = 10·uuᵀ with u = ½(1,1,1,1): A = uᵀ (1×4), B = u (4×1), alpha/r = 10
        double[] u = {0.5, 0.5, 0.5, 0.5};
        return PeftAdapter.of(PeftAdapterConfig.parse("{\"peft_type\":\"LORA\",\"r\":1,\"lora_alpha\":10}",
                        Path.of("adapter_config.json")),
                InMemoryTensorSource.builder("adapter").matrix("base_model.model." + Q + ".lora_A.weight", 1, 4, u)
                        .matrix("base_model.model." + Q + ".lora_B.weight", 4, 1, u).build());
    }

    @Test
    void adapterModeAnalysesTheAdaptedMatricesByDefault() {
        int code = command(checkpoints(), Map.of("lora", adapter())).execute("--base", "base", "--adapter", "lora",
                "--k", "1", "--epsilon", "0.6");
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("total: 1 intruders in 1 matrices"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, command(checkpoints(), Map.of("lora", adapter())).execute("--base", "base", "--adapter", "lora",
                "--k", "1", "--epsilon", "0.6", "--all-matrices"));
        assertTrue(out.toString().contains("total: 1 intruders in 2 matrices"), out.toString());
    }

    @Test
    void badInputEndsWithOneLineAndExitTwo() {
        String[][] bad = {
            {"--base", "base", "--tuned", "tuned", "--k", "0"},
            {"--base", "base", "--tuned", "tuned", "--epsilon", "1.5"},
            {"--base", "base", "--tuned", "tuned", "--engine", "gpu"},
            {"--base", "base", "--tuned", "tuned", "--adapter", "lora"},
            {"--base", "base"},
            {"--base", "missing.safetensors", "--tuned", "tuned"},
        };
        for (String[] args : bad) {
            err.getBuffer().setLength(0);
            int code = command(checkpoints(), Map.of()).execute(args);
            assertEquals(2, code, String.join(" ", args) + ": " + err);
            assertTrue(err.toString().length() > 0, String.join(" ", args));
        }
        err.getBuffer().setLength(0);
        command(checkpoints(), Map.of()).execute("--base", "missing.safetensors", "--tuned", "tuned");
        assertEquals("rankscope: missing.safetensors: file or folder not found", err.toString().strip());
    }

    @Test
    void noCommonMatricesIsBadInput() {
        Map<String, TensorSource> files = Map.of(
                "base", InMemoryTensorSource.builder("base").matrix("a.weight", 2, 2, new double[4]).build(),
                "tuned", InMemoryTensorSource.builder("tuned").matrix("b.weight", 2, 2, new double[4]).build());
        assertEquals(2, command(files, Map.of()).execute("--base", "base", "--tuned", "tuned"));
        assertTrue(err.toString().contains("have no matrices in common"), err.toString());
    }

    @Test
    void isRegisteredInTheRootCommand() {
        StringWriter sink = new StringWriter();
        CommandLine root = RankscopeCli.commandLine(new PrintWriter(sink), new PrintWriter(sink));
        assertTrue(root.getSubcommands().containsKey("intruders"));
        assertEquals(2, root.execute("intruders", "--base", tmp.resolve("nope").toString(), "--tuned", "x"));
        assertEquals("rankscope: nope: file or folder not found", sink.toString().strip());
    }
}
