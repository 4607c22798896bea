package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.engine.testing.SourceTree;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Statistics from fewer calibration tokens than a module has inputs (2 tokens; the golden GPT-2's
 * modules have 32 and 128 inputs): the Gram is singular, and SPEC §4/§8 says whitening then damps
 * (chol(XᵀX + δ·mean(diag)·I)) and never fails — plan and evaluate succeed and the plan records the
 * Cholesky and its δ. When such a compressed model's factors do fail their re-read verification,
 * evaluate says in one line which matrix, that its statistics are rank-deficient (N tokens for n
 * inputs), the whitening used and what to do — not that the plan was made for another checkpoint
 * — exit 2, nothing written.
 */
class RankDeficientStatisticsCliTest {
    @TempDir
    static Path tmp;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path model;
    private static Path text;
    private static Path stats;
    private static Path plan;

    @BeforeAll
    static void calibrateOnTwoTokensAndPlan() throws Exception {
        model = SourceTree.copyGpt2(tmp.resolve("gpt2"));
        text = Files.writeString(tmp.resolve("text.txt"),
                "the people said that it was time to find the water . she made a very long way up and down\n");
        stats = tmp.resolve("two-tokens.safetensors");
        CliRun calibrated = CliRun.of("calibrate", model.toString(), "--text", text.toString(), "--seq-len", "2",
                "--max-tokens", "2", "--out", stats.toString(), "--quiet");
        assertEquals(0, calibrated.exitCode(), calibrated.err());
        plan = tmp.resolve("plan.json");
        CliRun planned = CliRun.of("plan", model.toString(), "--stats", stats.toString(), "--keep", "0.9", "--json",
                plan.toString(), "--no-cache", "--quiet");
        assertEquals(0, planned.exitCode(), "a singular Gram never fails (SPEC §8): " + planned.err());
    }

    @Test
    void singularStatisticsPlanAndEvaluateAsSpecSays() throws Exception {
        JsonNode p = JSON.readTree(plan.toFile());
        JsonNode transform = p.at("/data_aware/matrices/h.0.mlp.c_proj.weight");
        assertEquals("cholesky", transform.get("factorisation").asText(), p.get("data_aware").toString());
        assertTrue(transform.get("damping").asDouble() > 0, "damped");
        Path result = tmp.resolve("evaluated.json");
        CliRun run = CliRun.of("evaluate", model.toString(), "--text", text.toString(), "--seq-len", "8", "--plan",
                plan.toString(), "--stats", stats.toString(), "--json", result.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Double.isFinite(JSON.readTree(result.toFile()).at("/compressed/perplexity").asDouble()));
    }

    @Test
    void aFailedVerificationNamesTheModuleAndItsRankDeficientStatistics() throws Exception {
        ObjectNode p = (ObjectNode) JSON.readTree(plan.toFile());
        ObjectNode factorised = null;
        for (JsonNode m : p.get("matrices")) {
            if (factorised == null && !m.get("dense").asBoolean() && p.at("/data_aware/matrices").has(m.get("name").asText())) {
                factorised = (ObjectNode) m;
            }
        }
        assertTrue(factorised != null, "the plan factorises a data-aware matrix");
        String id = factorised.get("name").asText();
        String module = factorised.get("module").asText();
        int rank = factorised.get("rank").asInt();
        int inputs = factorised.get("shape").get(1).asInt();
        factorised.put("rel_error", 0.5);   // factors that cannot reproduce the plan's error
        Path edited = tmp.resolve("edited.json");
        JSON.writeValue(edited.toFile(), p);
        Path result = tmp.resolve("refused.json");
        CliRun run = CliRun.of("evaluate", model.toString(), "--text", text.toString(), "--seq-len", "8", "--plan",
                edited.toString(), "--stats", stats.toString(), "--json", result.toString(), "--quiet");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        String start = "rankscope: " + edited + ": " + id + ": its rank-" + rank
                + " factors give a relative error of ";
        assertTrue(err.startsWith(start), err);
        assertTrue(err.endsWith(", not the plan's 0.500 — " + module + "'s statistics have 2 tokens for " + inputs
                + " inputs (rank-deficient), whitened by chol(XᵀX + δ·mean(diag)·I) with δ = 1.00e-06 (SPEC §4), so S is "
                + "ill-conditioned; calibrate on at least " + inputs + " tokens or use a weights-only strategy"), err);
        assertFalse(err.contains("another checkpoint") || err.contains("does not describe"), err);
        assertFalse(Files.exists(result), "nothing written");
    }
}
