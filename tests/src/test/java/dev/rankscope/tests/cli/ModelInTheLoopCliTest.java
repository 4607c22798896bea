package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model in the loop on the trained sample {@code sample-checkpoints/tiny-kjv} (a Llama-shaped LM
 * trained by {@code tools/train_sample.py} on the King James Bible): calibrate → a data-aware and a
 * weight-only plan at the same budget → evaluate both. The original perplexity must equal the one
 * PyTorch measured when the sample was made (an independent forward pass and tokenizer).
 */
class ModelInTheLoopCliTest {
    @TempDir
    static Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path stats;

    static Path sample() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sample-checkpoints").resolve("tiny-kjv");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-kjv not found above " + Path.of("").toAbsolutePath());
    }

    @BeforeAll
    static void calibrate() throws Exception {
        stats = tmp.resolve("stats.safetensors");
        CliRun run = CliRun.of("calibrate", sample().toString(), "--text", sample().resolve("calibration.txt").toString(),
                "--max-tokens", "4096", "--seq-len", "256", "--out", stats.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("calibrated 29 modules on 4096 tokens (16 windows of 256)"), run.out());
        try (TensorSource s = Checkpoints.open(stats)) {
            assertEquals("4096", s.metadata().get("tokens"));
            assertEquals("256", s.metadata().get("seq_len"));
            assertEquals(64, s.metadata().get("text_sha256").length());
            assertTrue(s.metadata().get("model_identity").contains("header-sha256="));
            // q/k/v read the same input: identical statistics
            assertEquals(java.util.Arrays.toString(s.readDouble("model.layers.1.self_attn.q_proj.input_gram")),
                    java.util.Arrays.toString(s.readDouble("model.layers.1.self_attn.v_proj.input_gram")));
            assertEquals(384 * 384, s.require("model.layers.0.mlp.down_proj.input_gram").numel());
            assertEquals(4096.0, s.readDouble("model.layers.0.mlp.down_proj.tokens")[0]);
        }
    }

    @Test
    void originalPerplexityMatchesPyTorchAndIsFarBelowTheVocabulary() throws Exception {
        Path json = tmp.resolve("orig.json");
        CliRun run = CliRun.of("evaluate", sample().toString(), "--text", sample().resolve("eval.txt").toString(),
                "--seq-len", "128", "--json", json.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode r = JSON.readTree(json.toFile());
        JsonNode training = JSON.readTree(sample().resolve("training.json").toFile()).get("measured");
        assertEquals(training.get("eval_tokens_scored").asLong(), r.at("/original/tokensScored").asLong());
        assertEquals(training.get("eval_ppl").asDouble(), r.at("/original/perplexity").asDouble(), 1e-3,
                "the Java runtime and DJL's tokenizer reproduce PyTorch's perplexity");
        assertTrue(r.at("/original/perplexity").asDouble() < 2048 / 10.0, "trained: far below the vocabulary of 2048");
    }

    @Test
    void dataAwarePlanBeatsWeightOnlyAtTheSameBudget() throws Exception {
        Path weightOnly = tmp.resolve("w.json");
        Path aware = tmp.resolve("a.json");
        assertEquals(0, CliRun.of("plan", sample().toString(), "--keep", "0.5", "--json", weightOnly.toString(),
                "--no-cache", "--quiet").exitCode());
        CliRun planAware = CliRun.of("plan", sample().toString(), "--keep", "0.5", "--stats", stats.toString(),
                "--json", aware.toString(), "--no-cache", "--quiet");
        assertEquals(0, planAware.exitCode(), planAware.err());
        JsonNode awarePlan = JSON.readTree(aware.toFile());
        assertEquals("svd-llm", awarePlan.at("/data_aware/method").asText());
        assertEquals("cholesky", awarePlan.at("/data_aware/matrices/model.layers.0.mlp.down_proj.weight/factorisation").asText());
        assertEquals(JSON.readTree(weightOnly.toFile()).at("/totals/params_after").asLong(),
                awarePlan.at("/totals/params_after").asLong(), "same budget");

        JsonNode w = evaluate(weightOnly, "ew.json");
        JsonNode a = evaluate(aware, "ea.json");
        double original = w.at("/original/perplexity").asDouble();
        for (JsonNode r : new JsonNode[] {w, a}) {
            assertTrue(Double.isFinite(r.at("/compressed/perplexity").asDouble()));
            assertTrue(r.at("/compressed/perplexity").asDouble() >= original * 0.99);
            assertTrue(r.at("/meanKl").asDouble() > 0);
            assertEquals(original, r.at("/original/perplexity").asDouble(), 0);
        }
        double actW = w.at("/activationError/total").asDouble();
        double actA = a.at("/activationError/total").asDouble();
        assertTrue(actA < actW, "data-aware activation-space error " + actA + " < weight-only " + actW);
        assertTrue(a.at("/meanKl").asDouble() < w.at("/meanKl").asDouble(), "and the model notices: smaller KL");
    }

    private static JsonNode evaluate(Path plan, String out) throws Exception {
        Path json = tmp.resolve(out);
        CliRun run = CliRun.of("evaluate", sample().toString(), "--text", sample().resolve("eval.txt").toString(),
                "--plan", plan.toString(), "--stats", stats.toString(), "--max-tokens", "2048", "--json", json.toString(),
                "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(json.toFile());
    }

    @Test
    void badInputIsOneLineWithExitTwoAndNoOutput() throws Exception {
        Path out = tmp.resolve("bad.safetensors");
        Path text = sample().resolve("eval.txt");
        // missing tokenizer.json
        Path noTok = tmp.resolve("no-tokenizer");
        Files.createDirectories(noTok);
        Files.copy(sample().resolve("config.json"), noTok.resolve("config.json"));
        Files.copy(sample().resolve("model.safetensors"), noTok.resolve("model.safetensors"));
        expectBad(CliRun.of("calibrate", noTok.toString(), "--text", text.toString(), "--out", out.toString(), "--quiet"),
                "tokenizer.json", out);
        // unsupported architecture
        Path t5 = tmp.resolve("t5");
        Files.createDirectories(t5);
        Files.writeString(t5.resolve("config.json"), "{\"model_type\": \"t5\", \"vocab_size\": 10}");
        Files.copy(sample().resolve("model.safetensors"), t5.resolve("model.safetensors"));
        Files.copy(sample().resolve("tokenizer.json"), t5.resolve("tokenizer.json"));
        expectBad(CliRun.of("calibrate", t5.toString(), "--text", text.toString(), "--out", out.toString(), "--quiet"), "t5", out);
        // non-UTF-8 and empty texts
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        expectBad(CliRun.of("calibrate", sample().toString(), "--text", latin1.toString(), "--out", out.toString(), "--quiet"),
                "is not UTF-8 text", out);
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "\n\n");
        expectBad(CliRun.of("evaluate", sample().toString(), "--text", empty.toString(), "--quiet"), "the text is empty", null);
        // shorter than one window
        Path shortText = tmp.resolve("short.txt");
        Files.writeString(shortText, "In the beginning.");
        expectBad(CliRun.of("calibrate", sample().toString(), "--text", shortText.toString(), "--out", out.toString(), "--quiet"),
                "fewer than one window of 256", out);
        // a plan for another checkpoint
        Path otherPlan = tmp.resolve("other-plan.json");
        Path tinyLlama = sample().getParent().resolve("tiny-llama");
        assertEquals(0, CliRun.of("plan", tinyLlama.toString(), "--keep", "0.5", "--json", otherPlan.toString(),
                "--no-cache", "--quiet").exitCode());
        expectBad(CliRun.of("evaluate", sample().toString(), "--text", text.toString(), "--plan", otherPlan.toString(), "--quiet"),
                "the plan was made for another checkpoint", null);
        // statistics of another model: the module is named
        Path mismatch = tmp.resolve("mismatch.json");
        CliRun bad = CliRun.of("plan", tinyLlama.toString(), "--keep", "0.5", "--stats", stats.toString(),
                "--json", mismatch.toString(), "--no-cache", "--quiet");
        expectBad(bad, "model.layers.0.", mismatch);
        // a data-aware plan without its statistics
        Path aware = tmp.resolve("aware-for-bad.json");
        assertEquals(0, CliRun.of("plan", sample().toString(), "--keep", "0.6", "--stats", stats.toString(),
                "--json", aware.toString(), "--no-cache", "--quiet").exitCode());
        expectBad(CliRun.of("evaluate", sample().toString(), "--text", text.toString(), "--plan", aware.toString(), "--quiet"),
                "pass the statistics it was made with", null);
    }

    @Test
    void sweepWritesOneRowPerStrategyAndKeepPlusTheOriginal() throws Exception {
        Path csv = tmp.resolve("sweep.csv");
        Path json = tmp.resolve("sweep.json");
        CliRun run = CliRun.of("evaluate", sample().toString(), "--text", sample().resolve("eval.txt").toString(),
                "--sweep", "--strategies", "global-optimal,global-optimal@svd-llm", "--keep", "0.6", "--stats",
                stats.toString(), "--max-tokens", "1024", "--csv", csv.toString(), "--json", json.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        java.util.List<String> rows = Files.readAllLines(csv);
        assertEquals(4, rows.size(), String.join("\n", rows));
        assertTrue(rows.get(1).startsWith("original,1.00000,1.00000,"), rows.get(1));
        assertTrue(rows.get(3).startsWith("global-optimal@svd-llm,0.600000,"), rows.get(3));
        JsonNode r = JSON.readTree(json.toFile());
        double plainKl = r.at("/points/0/meanKl").asDouble();
        double awareKl = r.at("/points/1/meanKl").asDouble();
        assertTrue(awareKl < plainKl, awareKl + " < " + plainKl);

        // rankscope report embeds the sweep: its chart and its table, with the JSON's values
        Path html = tmp.resolve("report.html");
        CliRun report = CliRun.of("report", sample().toString(), "--quality", json.toString(), "--out", html.toString(),
                "--no-cache", "--quiet");
        assertEquals(0, report.exitCode(), report.err());
        String page = Files.readString(html);
        int at = page.indexOf("<section id=\"quality\">");
        assertTrue(at > 0, "quality-vs-size section");
        String section = page.substring(at, page.indexOf("</section>", at));
        assertTrue(section.contains("<img src=\"data:image/png;base64,"), "the chart, embedded");
        assertFalse(section.contains("another model"), section);
        for (JsonNode p : java.util.List.of(r.get("original"), r.at("/points/0"), r.at("/points/1"))) {
            String row = "<td class=\"name\">" + p.get("strategy").asText() + "</td>";
            int rowAt = section.indexOf(row);
            assertTrue(rowAt > 0, row);
            String ppl = String.format(java.util.Locale.ROOT, "%.4f", p.get("perplexity").asDouble());
            assertTrue(section.substring(rowAt, section.indexOf("</tr>", rowAt)).contains(">" + ppl + "<"),
                    p.get("strategy") + " perplexity " + ppl);
        }
    }

    private static void expectBad(CliRun run, String fragment, Path mustNotExist) throws Exception {
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.noStackTrace(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(fragment), "'" + fragment + "' in: " + err);
        if (mustNotExist != null) {
            assertFalse(Files.exists(mustNotExist), mustNotExist + " must not be written");
            try (var files = Files.list(mustNotExist.getParent())) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().contains(".rankscope-")),
                        "no temporary file left behind");
            }
        }
    }
}
