package dev.rankscope.tests.hostile;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keeps the committed fuzz seeds honest: each one must equal what {@link FuzzSeeds} generates,
 * and every target must have seeds. With {@code -Drankscope.writeSeeds=true} it (re)writes them
 * instead (crash inputs Jazzer adds next to them are left alone).
 */
class FuzzSeedsTest {
    private static final Path RESOURCES = Path.of(System.getProperty("rankscope.root", ".")).resolve("tests/src/test/resources");

    @Test
    void committedSeedsMatchTheGenerator() throws Exception {
        Map<String, Map<String, byte[]>> seeds = FuzzSeeds.generate();
        boolean write = Boolean.getBoolean("rankscope.writeSeeds");
        for (var target : seeds.entrySet()) {
            assertTrue(target.getValue().size() >= 2, target.getKey() + " has too few seeds");
            Path dir = FuzzSeeds.inputsDir(RESOURCES, target.getKey());
            for (var seed : target.getValue().entrySet()) {
                Path file = dir.resolve(seed.getKey());
                if (write) {
                    Files.createDirectories(dir);
                    Files.write(file, seed.getValue());
                } else {
                    assertTrue(Files.isRegularFile(file), "missing seed " + file + " (regenerate, see docs/FUZZING.md)");
                    assertArrayEquals(seed.getValue(), Files.readAllBytes(file), "stale seed " + file);
                }
            }
        }
    }
}
