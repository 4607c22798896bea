package dev.rankscope.tests.hostile;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8's malformed-file corpus: each generated case is opened, listed and read through the
 * standard registry, within a 2-second budget (bounded header parsing), and must either open
 * cleanly (valid edge cases) or fail with exactly the expected {@link CheckpointFormatException}
 * category and a message naming the file. No case may leave the pickle payload's marker file.
 */
class MalformedCorpusTest {
    /** Generous for a header parse of a few kilobytes; a hang or quadratic parse blows it. */
    private static final Duration PARSE_BUDGET = Duration.ofSeconds(2);

    /**
     * Loads the code of every reader once (class loading and JIT warm-up of Jackson and friends
     * can take seconds on a busy machine), so the budget measures parsing, not JVM start-up.
     */
    @BeforeAll
    static void warmUp(@TempDir Path dir) throws Exception {
        for (MalformedCorpus.Case c : MalformedCorpus.all()) {
            if (c.expected() == null) {
                Path d = Files.createDirectory(dir.resolve(c.id()));
                c.action().run(c.fixture().create(d));
            }
        }
    }

    static List<MalformedCorpus.Case> cases() {
        return MalformedCorpus.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseOpensOrFailsWithItsCategory(MalformedCorpus.Case c, @TempDir Path dir) throws Exception {
        Path path = c.fixture().create(dir);
        if (c.expected() == null) {
            assertTimeoutPreemptively(PARSE_BUDGET, () -> c.action().run(path), c.id());
        } else {
            CheckpointFormatException e = assertTimeoutPreemptively(PARSE_BUDGET,
                    () -> assertThrows(CheckpointFormatException.class, () -> c.action().run(path), c.id()), c.id());
            assertEquals(c.expected(), e.category(), c.id() + ": " + e.getMessage());
            String named = c.namedFile() != null ? c.namedFile() : path.getFileName().toString();
            assertTrue(e.userMessage().contains(named), c.id() + ": message does not name " + named + ": " + e.userMessage());
            assertFalse(e.userMessage().contains("\n"), c.id() + ": message spans lines: " + e.userMessage());
        }
        assertFalse(Files.exists(dir.resolve(MalformedCorpus.MARKER)), c.id() + ": a pickle payload ran");
    }

    @Test
    void corpusIsLargeAndCoversEveryFormat() {
        List<MalformedCorpus.Case> all = MalformedCorpus.all();
        long malformed = all.stream().filter(c -> c.expected() != null).count();
        assertTrue(malformed >= 40, "at least 40 malformed cases, found " + malformed);
        Set<String> formats = all.stream().map(MalformedCorpus.Case::format).collect(Collectors.toSet());
        assertEquals(Set.of("safetensors", "pytorch", "numpy", "gguf", "onnx", "peft"), formats);
        Set<String> ids = new HashSet<>();
        all.forEach(c -> assertTrue(ids.add(c.id()), "duplicate case id " + c.id()));
    }
}
