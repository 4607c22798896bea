package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rankscope subspaces} on the bundled tiny-llama sample, as a user runs it. */
class SubspacesCliTest {
    @TempDir
    Path tmp;

    @Test
    void layerByLayerOverlapsAndAdjacentGroupsAreWritten() throws IOException {
        Path json = tmp.resolve("s.json");
        Path csv = tmp.resolve("s.csv");
        CliRun run = CliRun.of("subspaces", AnalyzeCliTest.sample("tiny-llama").toString(), "--module", "k_proj",
                "--k", "8", "--groups", "adjacent:2", "--json", json.toString(), "--csv", csv.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("rankscope-subspaces", root.get("format").asText());
        int layers = root.get("matrices").size();
        assertEquals(4, layers);
        // left and right subspaces of every pair of the 4 layers
        assertEquals(2 * layers * (layers - 1) / 2, root.get("pairs").size());
        for (JsonNode p : root.get("pairs")) {
            assertEquals(8, p.get("cosines").size());
            double overlap = p.get("overlap").asDouble();
            assertTrue(overlap >= 0 && overlap <= 1, "overlap " + overlap);
        }
        assertEquals(2, root.get("groups").size());
        assertFalse(root.get("suggested_grouping").isNull());
        assertEquals(1 + root.get("pairs").size(), Files.readAllLines(csv).size());
        assertTrue(run.out().contains("suggested grouping"), run.out());
    }

    @Test
    void kLargerThanTheRankIsOneLineAndExitTwo() {
        Path json = tmp.resolve("never.json");
        CliRun run = CliRun.of("subspaces", AnalyzeCliTest.sample("tiny-llama").toString(), "--module", "k_proj",
                "--k", "100000", "--json", json.toString());
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().strip().lines().filter(l -> !l.startsWith("rankscope: 4 matrices")).count(), run.err());
        assertTrue(run.err().contains("k = 100000 is larger than the rank of"), run.err());
        assertFalse(Files.exists(json));
    }

    @Test
    void writingIntoTheCheckpointFolderIsRefused() {
        Path sample = AnalyzeCliTest.sample("tiny-llama");
        CliRun run = CliRun.of("subspaces", sample.toString(), "--module", "q", "--json", sample.resolve("s.json").toString());
        assertEquals(2, run.exitCode());
        assertFalse(Files.exists(sample.resolve("s.json")));
    }
}
