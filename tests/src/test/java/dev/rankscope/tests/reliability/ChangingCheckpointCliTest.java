package dev.rankscope.tests.reliability;

import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.tests.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue item 3, end to end: a shard renamed over (as downloads and training jobs replace files)
 * or rewritten in place while {@code analyze} runs. The run names the changed shard in one line
 * and exits 1; every matrix it reports is the opened content's (never the new one's, never a
 * mix); and the cache is not poisoned: later cached runs give exactly what clean runs give, on
 * the new content and after the original is restored. Timing: the child sleeps 100 ms per matrix
 * ({@code rankscope.test.matrixDelayMillis}, one worker), the shard changes 0.7 s into the
 * computation, so the change lands while the second shard's matrices are still to come.
 */
class ChangingCheckpointCliTest {
    private static final String SHARD2 = "model-00002-of-00002.safetensors";
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    private Path generate(String name, long seed) {
        Path dir = work.resolve(name);
        SyntheticModel.write(dir, new SyntheticModel.Parameters(ModelShape.preset("tiny"), seed, DType.BF16, 2));
        return dir;
    }

    /** Table rows of {@code analyze} stdout by matrix name. */
    private static Map<String, String> rows(String out) {
        Map<String, String> rows = new LinkedHashMap<>();
        // fields only: column widths follow the longest value of the run
        out.lines().filter(l -> l.startsWith("model.") || l.startsWith("lm_head"))
                .forEach(l -> rows.put(l.split("\\s+")[0], String.join(" ", l.trim().split("\\s+"))));
        return rows;
    }

    private static Map<String, String> clean(Path model) {
        CliRun r = CliRun.of("analyze", model.toString(), "--no-cache", "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        return rows(r.out());
    }

    private interface Change {
        void apply(Path model, Path replacement) throws IOException;
    }

    private void changeDuringRun(String label, Change change) throws Exception {
        Path model = generate(label, 1);
        Path other = generate(label + "-other", 2);
        Map<String, String> before = clean(model);
        Path mixed = generate(label + "-mixed", 1);
        Files.copy(other.resolve(SHARD2), mixed.resolve(SHARD2), StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> after = clean(mixed);
        assertNotEquals(before, after, "the replacement shard holds other weights");

        CliProcess cli = new CliProcess(work.resolve(label + "-run")).property("rankscope.test.matrixDelayMillis", "100");
        Files.createDirectories(work.resolve(label + "-run"));
        Process p = cli.start("changing", "analyze", model.toString(), "--threads", "1");
        Path err = work.resolve(label + "-run").resolve("changing.err");
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Files.readString(err).contains(" matrices; engine") && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(20);
        }
        Thread.sleep(700);
        change.apply(model, other.resolve(SHARD2));
        CliProcess.Result r = cli.await("changing", p, LIMIT);

        assertEquals(1, r.exitCode(), r.err());
        List<String> failed = r.err().lines().filter(l -> l.startsWith("rankscope: failed:")).toList();
        assertEquals(1, failed.size(), "the changed shard is named in one line:\n" + r.err());
        assertTrue(failed.get(0).matches("rankscope: failed: " + SHARD2.replace(".", "\\.")
                + ": was rewritten or replaced while it was being read; .* \\(\\d+ (matrix|matrices)\\)"), failed.get(0));
        Map<String, String> reported = rows(r.out());
        assertTrue(reported.size() < before.size(), "some matrices of the changed shard failed");
        reported.forEach((name, row) -> assertEquals(before.get(name), row, name + " is not the opened content's"));

        // the cache holds only what was really read under its identity
        CliProcess.Result cachedNew = cli.run("cached-new", LIMIT, "analyze", model.toString(), "--quiet");
        assertEquals(0, cachedNew.exitCode(), cachedNew.err());
        assertEquals(after, rows(cachedNew.out()), "cached run on the new content");
        Files.copy(generate(label + "-orig", 1).resolve(SHARD2), model.resolve(SHARD2), StandardCopyOption.REPLACE_EXISTING);
        CliProcess.Result restored = cli.run("restored", LIMIT, "analyze", model.toString(), "--quiet");
        assertEquals(0, restored.exitCode(), restored.err());
        assertEquals(before, rows(restored.out()), "cached run after the original was restored");
    }

    @Test
    void aShardRenamedOverMidRun() throws Exception {
        changeDuringRun("renamed", (model, replacement) -> {
            Path tmp = model.resolve(".incoming");
            Files.copy(replacement, tmp);
            Files.move(tmp, model.resolve(SHARD2), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });
    }

    @Test
    void aShardRewrittenInPlaceMidRun() throws Exception {
        changeDuringRun("rewritten", (model, replacement) -> {
            byte[] bytes = Files.readAllBytes(replacement);
            try (FileChannel ch = FileChannel.open(model.resolve(SHARD2), StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(bytes), 0);
            }
        });
    }
}
