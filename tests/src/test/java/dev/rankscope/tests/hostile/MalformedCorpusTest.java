package dev.rankscope.tests.hostile;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * standard registry, within a budget of 2 s of CPU time (bounded header parsing), and must either open
 * cleanly (valid edge cases) or fail with exactly the expected {@link CheckpointFormatException}
 * category and a message naming the file. No case may leave the pickle payload's marker file.
 */
class MalformedCorpusTest {
    /**
     * Generous for a header parse of a few kilobytes; a quadratic parse blows it. Counted in the
     * parsing thread's CPU time, not wall time: a loaded CI machine (other forks, a GC of another
     * thread) stretches the wall clock of a parse, never its CPU time.
     */
    private static final Duration PARSE_BUDGET = Duration.ofSeconds(2);
    /** A parse that waits (a hang) uses no CPU: this wall-clock guard ends it. */
    private static final Duration HANG_GUARD = Duration.ofSeconds(60);

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
            withinBudget(c.id(), () -> {
                c.action().run(path);
                return null;
            });
        } else {
            CheckpointFormatException e = withinBudget(c.id(),
                    () -> assertThrows(CheckpointFormatException.class, () -> c.action().run(path), c.id()));
            assertEquals(c.expected(), e.category(), c.id() + ": " + e.getMessage());
            String named = c.namedFile() != null ? c.namedFile() : path.getFileName().toString();
            assertTrue(e.userMessage().contains(named), c.id() + ": message does not name " + named + ": " + e.userMessage());
            assertFalse(e.userMessage().contains("\n"), c.id() + ": message spans lines: " + e.userMessage());
        }
        assertFalse(Files.exists(dir.resolve(MalformedCorpus.MARKER)), c.id() + ": a pickle payload ran");
    }

    /** Runs {@code parse} on a thread of its own, ended after {@link #HANG_GUARD}; fails if it used more than {@link #PARSE_BUDGET} of CPU. */
    private static <T> T withinBudget(String id, ThrowingSupplier<T> parse) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return assertTimeoutPreemptively(HANG_GUARD, () -> {
            long start = threads.getCurrentThreadCpuTime();
            T result = parse.get();
            Duration used = Duration.ofNanos(threads.getCurrentThreadCpuTime() - start);
            assertTrue(used.compareTo(PARSE_BUDGET) <= 0, id + ": the parse used " + used.toMillis() + " ms of CPU");
            return result;
        }, id);
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
