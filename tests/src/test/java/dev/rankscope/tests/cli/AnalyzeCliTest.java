package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** {@code rankscope analyze} on the bundled samples, as a user runs it. */
class AnalyzeCliTest {
    @TempDir
    Path tmp;

    static Path root() {
        return Path.of(System.getProperty("rankscope.root", ".."));
    }

    static Path sample(String name) {
        return root().resolve("sample-checkpoints").resolve(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"auto", "java"})
    void tableMatchesTheGoldenOutputOnEveryEngine(String engine) throws IOException {
        CliRun run = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet", "--engine", engine);
        assertEquals(0, run.exitCode(), run.err());
        String golden = Files.readString(root().resolve("tests/src/test/resources/golden/tiny-llama-analyze.txt"));
        assertEquals(golden.strip(), run.out().strip());
    }

    @Test
    void wwCsvHasWeightWatchersColumnsAndMpFitModesAreLabelled() throws IOException {
        Path ww = tmp.resolve("details.csv");
        CliRun run = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet", "--ww-csv", ww.toString());
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = Files.readAllLines(ww, StandardCharsets.UTF_8);
        assertEquals("layer_id,name,D,M,N,Q,W_scale,alpha,alpha_weighted,bulk_max,bulk_min,entropy,has_esd,lambda_max,"
                + "layer_type,log_alpha_norm,log_norm,log_spectral_norm,longname,matrix_rank,mp_softrank,norm,num_evals,"
                + "num_pl_spikes,num_spikes,rank_loss,rf,sigma,sigma_mp,spectral_norm,stable_rank,status,sv_max,sv_min,"
                + "warning,weak_rank_loss,xmax,xmin", lines.get(0));
        assertEquals(31, lines.size());
        assertTrue(lines.get(1).startsWith("1,model."), lines.get(1));

        Path json = tmp.resolve("grid.json");
        CliRun grid = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet", "--mp-fit", "grid",
                "--json", json.toString());
        assertEquals(0, grid.exitCode(), grid.err());
        assertTrue(grid.out().contains("g: Marchenko-Pastur scale from the SPEC-literal grid search"), grid.out());
        for (JsonNode m : new ObjectMapper().readTree(json.toFile()).get("matrices")) {
            assertTrue(m.get("mp").isNull() || m.get("mp").get("method").asText().matches("grid|quick"), m.toString());
        }

        CliRun bad = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet", "--mp-fit", "exact");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--mp-fit must be ww, grid, quick or off"), bad.err());
        CliRun negative = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--min-evals", "-1");
        assertEquals(2, negative.exitCode());
        assertTrue(negative.err().contains("--min-evals must be ≥ 0"), negative.err());
        CliRun high = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet", "--min-evals", "100000",
                "--json", json.toString());
        assertEquals(0, high.exitCode(), high.err());
        for (JsonNode m : new ObjectMapper().readTree(json.toFile()).get("matrices")) {
            assertTrue(m.get("alpha").isNull() && m.get("mp").isNull(), m.get("name").asText());
            assertTrue(m.get("warnings").toString().contains("fewer than min_evals = 100000"), m.get("warnings").toString());
        }
    }

    @Test
    void anHfReferenceAbsentFromTheCacheIsOneLineAndExit2() {
        CliRun run = CliRun.of("analyze", "hf:rankscope-tests/no-such-model-4f2a", "--no-cache", "--quiet");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().strip().startsWith("rankscope: hf:rankscope-tests/no-such-model-4f2a: rankscope-tests/no-such-model-4f2a "
                + "is not in the Hugging Face cache"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void shardedCopyGivesTheSameTableAsTheSingleFile() {
        CliRun single = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet");
        CliRun index = CliRun.of("analyze", sample("tiny-llama-sharded/model.safetensors.index.json").toString(), "--no-cache", "--quiet");
        CliRun shard = CliRun.of("analyze", sample("tiny-llama-sharded/model-00002-of-00002.safetensors").toString(), "--no-cache", "--quiet");
        assertEquals(0, index.exitCode(), index.err());
        assertEquals(single.out(), index.out());
        assertEquals(single.out(), shard.out());
    }

    @Test
    void jsonHasTheDocumentedShapeAndDescendingSpectra() throws IOException {
        Path json = tmp.resolve("a.json");
        Path csv = tmp.resolve("a.csv");
        CliRun run = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet",
                "--json", json.toString(), "--csv", csv.toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals("rankscope-analysis", root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        assertTrue(root.get("engine").has("backend"));
        assertEquals(30, root.get("matrices").size());
        for (JsonNode m : root.get("matrices")) {
            for (String field : List.of("name", "layer", "module", "shape", "dtype", "sigma", "effective_rank",
                    "energy_effective_rank", "stable_rank", "numerical_rank", "rank_at_energy", "alpha",
                    "alpha_weighted", "xmin", "ks_distance", "mp", "spectral_norm", "frobenius_norm", "nuclear_norm")) {
                assertTrue(m.has(field), m.get("name") + " lacks " + field);
            }
            JsonNode sigma = m.get("sigma");
            int p = Math.min(m.get("shape").get(0).asInt(), m.get("shape").get(1).asInt());
            assertEquals(p, sigma.size());
            for (int i = 1; i < sigma.size(); i++) {
                assertTrue(sigma.get(i).asDouble() <= sigma.get(i - 1).asDouble(), "descending");
            }
            assertEquals(sigma.get(0).asDouble(), m.get("spectral_norm").asDouble(), 0.0);
            for (String tau : List.of("0.9", "0.95", "0.99")) {
                assertTrue(m.get("rank_at_energy").has(tau));
            }
        }
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(31, lines.size());
        assertTrue(lines.get(0).startsWith("name,layer,module"));
    }

    @Test
    void filterSelectsMatrices() {
        CliRun run = CliRun.of("analyze", sample("tiny-llama").toString(), "--no-cache", "--quiet", "--filter", "q_proj|k_proj");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("total: 8 matrices"), run.out());
    }

    @Test
    void badInputGivesOneLineAndExitCode2() throws IOException {
        Path junk = tmp.resolve("junk.safetensors");
        Files.write(junk, new byte[] {(byte) 200, 0, 0, 0, 0, 0, 0, 0, '{'});
        for (String[] args : List.of(
                new String[] {"analyze", tmp.resolve("missing").toString()},
                new String[] {"analyze", junk.toString()},
                new String[] {"analyze", sample("tiny-llama").toString(), "--engine", "gpu"},
                new String[] {"analyze", sample("tiny-llama").toString(), "--filter", "("})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.exitCode(), String.join(" ", args) + " → " + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.noStackTrace(), run.err());
        }
    }

    @Test
    void refusesToWriteOverTheCheckpoint() throws IOException {
        Path copy = tmp.resolve("model.safetensors");
        Files.copy(sample("tiny-llama/model.safetensors"), copy);
        byte[] before = Files.readAllBytes(copy);
        CliRun run = CliRun.of("analyze", copy.toString(), "--no-cache", "--quiet", "--json", copy.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("model.safetensors"), run.err());
        assertArrayEquals(before, Files.readAllBytes(copy));
    }
}
