package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.SourceTree;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope evaluate --sweep --fused-parts} on the runtime's tiny golden GPT-2 (fused
 * {@code c_attn}, Conv1D storage): each sweep point is exactly what {@code plan --fused-parts} +
 * {@code evaluate --plan} give at the same keep (weights-only and data-aware), it differs from the
 * whole-matrix sweep, and the table, JSON and CSV say the parts were planned separately.
 */
class FusedPartsSweepCliTest {
    @TempDir
    static Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SEQ_LEN = "16";
    private static final String KEEP = "0.5";
    private static Path model;
    private static Path text;
    private static Path stats;

    @BeforeAll
    static void copyModelAndCalibrate() throws Exception {
        model = SourceTree.copyGpt2(tmp.resolve("gpt2"));
        List<String> documents = new ArrayList<>();
        try (TensorSource g = Checkpoints.open(SourceTree.goldenGpt2().resolve("golden.safetensors"))) {
            JSON.readTree(g.metadata().get("texts")).forEach(t -> documents.add(t.asText()));
        }
        text = Files.writeString(tmp.resolve("text.txt"), String.join("\n\n", documents) + "\n");
        stats = tmp.resolve("stats.safetensors");
        CliRun run = CliRun.of("calibrate", model.toString(), "--text", text.toString(), "--seq-len", SEQ_LEN,
                "--out", stats.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
    }

    private static JsonNode sweep(String name, boolean parts, List<String> outLines) throws Exception {
        Path json = tmp.resolve(name + ".json");
        Path csv = tmp.resolve(name + ".csv");
        List<String> args = new ArrayList<>(List.of("evaluate", model.toString(), "--text", text.toString(), "--sweep",
                "--strategies", "global-optimal,global-optimal@svd-llm", "--keep", KEEP, "--stats", stats.toString(),
                "--seq-len", SEQ_LEN, "--json", json.toString(), "--csv", csv.toString(), "--quiet"));
        if (parts) {
            args.add("--fused-parts");
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        outLines.addAll(run.out().lines().toList());
        List<String> rows = Files.readAllLines(csv);
        assertTrue(rows.get(0).endsWith(",fused_parts"), rows.get(0));
        for (String row : rows.subList(1, rows.size())) {
            assertTrue(row.endsWith("," + parts), "every CSV row says whether parts were planned: " + row);
        }
        return JSON.readTree(json.toFile());
    }

    /** {@code plan [--stats S] --fused-parts --keep KEEP} then {@code evaluate --plan}: the result JSON. */
    private static JsonNode planThenEvaluate(String name, boolean aware) throws Exception {
        Path plan = tmp.resolve(name + "-plan.json");
        List<String> args = new ArrayList<>(List.of("plan", model.toString(), "--fused-parts", "--strategy", "global-optimal",
                "--keep", KEEP, "--json", plan.toString(), "--no-cache", "--quiet"));
        if (aware) {
            args.addAll(List.of("--stats", stats.toString()));
        }
        CliRun planned = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, planned.exitCode(), planned.err());
        assertTrue(Files.readString(plan).contains("c_attn.weight#q"), "the plan budgets the parts");
        Path result = tmp.resolve(name + "-evaluated.json");
        CliRun evaluated = CliRun.of("evaluate", model.toString(), "--text", text.toString(), "--plan", plan.toString(),
                "--stats", stats.toString(), "--seq-len", SEQ_LEN, "--json", result.toString(), "--quiet");
        assertEquals(0, evaluated.exitCode(), evaluated.err());
        return JSON.readTree(result.toFile());
    }

    @Test
    void sweepPointsWithPartsArePlanFusedPartsThenEvaluate() throws Exception {
        List<String> partsOut = new ArrayList<>();
        JsonNode parts = sweep("parts", true, partsOut);
        List<String> wholeOut = new ArrayList<>();
        JsonNode whole = sweep("whole", false, wholeOut);

        assertTrue(parts.get("fusedParts").asBoolean());
        assertFalse(whole.get("fusedParts").asBoolean());
        assertEquals("q/k/v parts of fused projections planned separately (--fused-parts)", partsOut.get(0));
        assertTrue(wholeOut.stream().noneMatch(l -> l.contains("parts")), String.join("\n", wholeOut));

        for (int i = 0; i < 2; i++) {
            JsonNode p = parts.at("/points/" + i);
            JsonNode w = whole.at("/points/" + i);
            assertEquals(w.get("strategy").asText(), p.get("strategy").asText());
            assertNotEquals(w.get("planRelError").asDouble(), p.get("planRelError").asDouble(),
                    p.get("strategy") + ": parts get their own ranks");
            assertNotEquals(w.get("perplexity").asDouble(), p.get("perplexity").asDouble(),
                    p.get("strategy") + ": and compress the model differently");
        }

        String[] names = {"weights", "aware"};
        for (int i = 0; i < 2; i++) {
            JsonNode point = parts.at("/points/" + i);
            JsonNode direct = planThenEvaluate(names[i], i == 1);
            double ppl = direct.at("/compressed/perplexity").asDouble();
            assertEquals(ppl, point.get("perplexity").asDouble(), 1e-9 * ppl, point.get("strategy") + " perplexity");
            assertEquals(direct.get("meanKl").asDouble(), point.get("meanKl").asDouble(), 1e-12, point.get("strategy") + " KL");
            assertEquals(direct.get("top1Agreement").asDouble(), point.get("top1Agreement").asDouble(), 0,
                    point.get("strategy") + " top-1");
            assertEquals(direct.at("/activationError/total").asDouble(), point.get("activationRelError").asDouble(), 1e-12,
                    point.get("strategy") + " activation-space error");
        }
    }

    @Test
    void fusedPartsWithoutSweepIsRefusedInOneLine() {
        CliRun run = CliRun.of("evaluate", model.toString(), "--text", text.toString(), "--fused-parts", "--quiet");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("--fused-parts belong to --sweep"), run.err());
        assertTrue(run.noStackTrace(), run.err());
    }
}
