package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope intruders} on the shipped {@code sample-checkpoints/} (the intruder feature's acceptance: the
 * sample base with the sample adapter as tuned shows the planted intruder, from the CLI).
 */
class IntrudersCliTest {
    @TempDir
    Path tmp;

    private static Path samples() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sample-checkpoints");
            if (Files.isDirectory(candidate.resolve("tiny-llama-lora"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/ not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void sampleAdapterHasThePlantedIntruderInLayerOneQProj() throws Exception {
        Path json = tmp.resolve("lora.json");
        CliRun run = CliRun.of("intruders", "--base", samples().resolve("tiny-llama").toString(),
                "--adapter", samples().resolve("tiny-llama-lora").toString(), "--engine", "java", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("rankscope-intruders", root.get("format").asText());
        assertEquals(8, root.get("matrices").size(), "q_proj and v_proj of 4 layers");
        JsonNode planted = null;
        for (JsonNode m : root.get("matrices")) {
            if (m.get("name").asText().equals("model.layers.1.self_attn.q_proj.weight")) {
                planted = m;
            }
        }
        assertTrue(planted != null, root.toString());
        assertEquals(1, planted.get("intruder_ranks").get(0).asInt(), planted.toString());
        assertTrue(run.out().contains("total: "), run.out());
    }

    @Test
    void shardedCopyOfTheBaseHasNoIntruders() throws Exception {
        Path json = tmp.resolve("same.json");
        CliRun run = CliRun.of("intruders", "--base", samples().resolve("tiny-llama").toString(),
                "--tuned", samples().resolve("tiny-llama-sharded").toString(), "--engine", "java",
                "--include", "layers\\.0\\.", "--epsilon", "1", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, root.get("total").asInt());
        for (JsonNode m : root.get("matrices")) {
            assertTrue(m.get("identical").asBoolean(), m.toString());
        }
    }

    @Test
    void aBaseThatIsNotTheAdaptersBaseIsOneClearLine() {
        CliRun run = CliRun.of("intruders", "--base", samples().resolve("tiny-llama-lora").resolve("adapter_model.safetensors").toString(),
                "--adapter", samples().resolve("tiny-llama-lora").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("matches no single weight in the base checkpoint"), run.err());
    }
}
