package dev.rankscope.tests.hostile;

import dev.rankscope.app.cli.RankscopeCli;
import dev.rankscope.tests.cli.CliRun;
import dev.rankscope.tests.hostile.gen.Bytes;
import dev.rankscope.tests.hostile.gen.SafetensorsBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8 at the user's end of the CLI: every malformed checkpoint of the corpus, given to
 * {@code rankscope analyze}, ends with exit code 2 and exactly one line on stderr that names the
 * file, with no exception class name or stack frame; NaN/Inf matrices are reported per matrix,
 * never as numbers (exit code 1 when others were analysed, 2 when none could be); an export
 * aimed at an input file is refused and the input stays intact.
 */
class CliHostileTest {

    static List<MalformedCorpus.Case> malformedCheckpoints() {
        return MalformedCorpus.all().stream()
                .filter(c -> c.expected() != null && c.action() == MalformedCorpus.OPEN_LIST_READ).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedCheckpoints")
    void malformedFileGivesOneCleanLineAndExitTwo(MalformedCorpus.Case c, @TempDir Path dir) throws Exception {
        Path path = c.fixture().create(dir);
        CliRun run = CliRun.of("analyze", path.toString(), "--no-cache", "--quiet", "--engine", "java");
        assertEquals(RankscopeCli.EXIT_BAD_INPUT, run.exitCode(), c.id() + ": " + run.err());
        List<String> lines = run.err().lines().toList();
        assertEquals(1, lines.size(), c.id() + ": stderr must be one line: " + run.err());
        String named = c.namedFile() != null ? c.namedFile() : path.getFileName().toString();
        assertTrue(lines.get(0).contains(named), c.id() + ": " + lines.get(0));
        assertTrue(run.noStackTrace(), c.id() + ": " + run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("at dev."), c.id() + ": " + run.err());
        assertFalse(run.err().contains("internal error"), c.id() + ": " + run.err());
        assertEquals("", run.out(), c.id());
        assertFalse(Files.exists(dir.resolve(MalformedCorpus.MARKER)), c.id() + ": a pickle payload ran");
    }

    @Test
    void nanAndInfMatricesAreReportedPerMatrixNotAsNumbers(@TempDir Path dir) throws Exception {
        float[] nan = Bytes.ramp(12);
        nan[3] = Float.NaN;
        float[] inf = Bytes.ramp(12);
        inf[7] = Float.NEGATIVE_INFINITY;
        Path file = Files.write(dir.resolve("model.safetensors"), SafetensorsBytes.validF32(
                new String[] {"model.layers.0.mlp.up_proj.weight", "model.layers.0.mlp.down_proj.weight",
                        "model.layers.0.self_attn.q_proj.weight"},
                new int[][] {{3, 4}, {3, 4}, {3, 4}}, new float[][] {Bytes.ramp(12), nan, inf}));
        CliRun run = CliRun.of("analyze", file.toString(), "--no-cache", "--quiet", "--engine", "java");
        // finished with failed matrices: exit 1 (was 0 before failed matrices made the exit code non-zero)
        assertEquals(RankscopeCli.EXIT_FAILED_MATRICES, run.exitCode(), run.err());
        assertTrue(run.out().contains("up_proj"), run.out());
        for (String bad : List.of("down_proj", "q_proj")) {
            List<String> rows = run.out().lines().filter(l -> l.contains(bad)).toList();
            assertEquals(1, rows.size(), run.out());
            assertTrue(rows.get(0).startsWith("failed: ") && rows.get(0).contains("NaN or infinite"),
                    "a NaN/Inf matrix is listed as failed with its reason, never with numbers: " + rows.get(0));
        }
        List<String> err = run.err().lines().toList();
        assertEquals(2, err.size(), run.err());
        assertTrue(err.stream().anyMatch(l -> l.contains("down_proj")), run.err());
        assertTrue(err.stream().anyMatch(l -> l.contains("q_proj")), run.err());
        assertTrue(err.stream().allMatch(l -> l.toLowerCase(java.util.Locale.ROOT).matches(".*(nan|infinite).*")), run.err());
        assertTrue(run.noStackTrace(), run.err());

        Path allBad = Files.write(dir.resolve("bad.safetensors"), SafetensorsBytes.validF32(
                new String[] {"w"}, new int[][] {{3, 4}}, new float[][] {nan}));
        CliRun bad = CliRun.of("analyze", allBad.toString(), "--no-cache", "--quiet", "--engine", "java");
        assertEquals(RankscopeCli.EXIT_BAD_INPUT, bad.exitCode(), "nothing could be analysed: " + bad.err());
        assertTrue(bad.noStackTrace(), bad.err());
    }

    @Test
    void exportOntoTheShardedIndexIsRefused(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("model-00001-of-00002.safetensors"), FuzzSeeds.SHARD_1);
        Files.write(dir.resolve("model-00002-of-00002.safetensors"), FuzzSeeds.SHARD_2);
        Path index = dir.resolve("model.safetensors.index.json");
        byte[] original = FuzzSeeds.generate().get("safetensorsIndex").get("index-two-shards");
        Files.write(index, original);
        for (String flag : List.of("--json", "--csv")) {
            for (Path target : List.of(index, dir.resolve("model-00002-of-00002.safetensors"))) {
                CliRun run = CliRun.of("analyze", dir.toString(), "--no-cache", "--quiet", "--engine", "java",
                        flag, target.toString());
                assertEquals(RankscopeCli.EXIT_BAD_INPUT, run.exitCode(), flag + " " + target + ": " + run.err());
                assertEquals(1, run.err().lines().count(), run.err());
                assertTrue(run.err().contains(target.getFileName().toString()), run.err());
                assertTrue(run.noStackTrace(), run.err());
            }
        }
        assertArrayEquals(original, Files.readAllBytes(index));
        assertArrayEquals(FuzzSeeds.SHARD_2, Files.readAllBytes(dir.resolve("model-00002-of-00002.safetensors")));
    }
}
