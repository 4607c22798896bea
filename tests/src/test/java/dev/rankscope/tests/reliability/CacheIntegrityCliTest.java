package dev.rankscope.tests.reliability;

import dev.rankscope.engine.cache.SpectrumCacheForgery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue items 1 and 2, end to end: damaged spectrum-cache entries (one flipped bit anywhere; or
 * NaN, negative, increasing, short values under a valid checksum) are never served: each is
 * deleted, named once on stderr ("cache entry for X was damaged …; recomputed"), recomputed, and
 * the run's results are exactly those of a clean run (exit 0).
 */
class CacheIntegrityCliTest {
    private static final Duration LIMIT = Duration.ofSeconds(120);

    @TempDir
    Path work;

    static Path sample(String name) {
        return Path.of(System.getProperty("rankscope.root", "..")).resolve("sample-checkpoints").resolve(name);
    }

    private static List<Path> entries(Path cacheDir) throws IOException {
        try (Stream<Path> s = Files.walk(cacheDir)) {
            return s.filter(p -> p.toString().endsWith(".spec")).sorted().toList();
        }
    }

    private static List<String> damagedNotes(String err) {
        return err.lines().filter(l -> l.startsWith("rankscope: cache entry for ")).toList();
    }

    @Test
    void damagedAndInvalidEntriesAreRecomputedWithANote() throws Exception {
        CliProcess cli = new CliProcess(work);
        String model = sample("tiny-llama").toString();
        CliProcess.Result clean = cli.run("clean", LIMIT, "analyze", model, "--quiet");
        assertEquals(0, clean.exitCode(), clean.err());
        List<Path> entries = entries(cli.cacheDir());
        assertEquals(30, entries.size());

        // item 1: one flipped bit in every entry, at a random place (values, header or checksum)
        Random rnd = new Random(21);
        for (Path e : entries) {
            byte[] b = Files.readAllBytes(e);
            b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
            Files.write(e, b);
        }
        CliProcess.Result flipped = cli.run("flipped", LIMIT, "analyze", model, "--quiet");
        assertEquals(0, flipped.exitCode(), flipped.err());
        assertEquals(clean.out(), flipped.out(), "results after damage equal the clean run's");
        List<String> notes = damagedNotes(flipped.err());
        assertEquals(30, notes.size(), flipped.err());
        assertTrue(notes.stream().allMatch(l -> l.matches("rankscope: cache entry for \\S+ was damaged \\(.+\\); recomputed")), notes.toString());
        assertEquals(30, notes.stream().distinct().count(), "each matrix named once");
        assertEquals(30, entries(cli.cacheDir()).size(), "recomputed entries are stored again");

        // item 2: values no SVD returns, under a valid checksum
        entries = entries(cli.cacheDir());
        for (int i = 0; i < 4; i++) {
            byte[] good = Files.readAllBytes(entries.get(i));
            double[] sigma = SpectrumCacheForgery.values(good);
            double[] bad = switch (i) {
                case 0 -> withValue(sigma, sigma.length / 2, Double.NaN);
                case 1 -> withValue(sigma, sigma.length - 1, -1e-3);
                case 2 -> withValue(sigma, sigma.length - 1, sigma[0] * 2);
                default -> java.util.Arrays.copyOf(sigma, sigma.length - 1);
            };
            Files.write(entries.get(i), SpectrumCacheForgery.forge(good, bad));
        }
        CliProcess.Result forged = cli.run("forged", LIMIT, "analyze", model, "--quiet");
        assertEquals(0, forged.exitCode(), forged.err());
        assertEquals(clean.out(), forged.out());
        assertEquals(4, damagedNotes(forged.err()).size(), forged.err());
        assertFalse(forged.err().contains("is invalid"), forged.err());

        CliProcess.Result again = cli.run("again", LIMIT, "analyze", model, "--quiet");
        assertEquals(0, again.exitCode(), again.err());
        assertEquals(List.of(), damagedNotes(again.err()), "the recomputed entries are sound");
        assertEquals(clean.out(), again.out());
    }

    private static double[] withValue(double[] sigma, int at, double value) {
        double[] out = sigma.clone();
        out[at] = value;
        return out;
    }
}
