package dev.rankscope.app.cli;

import dev.rankscope.runtime.TextTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope bench --calibrate}: the generated tokenizer and text give exactly the asked
 * number of tokens (through the real DJL tokenizer the calibrate job uses), and bad options are
 * one line with exit 2 before any checkpoint is generated. The benchmark itself is run by hand;
 * its figures are in docs/PERFORMANCE.md.
 */
class CalibrateBenchTest {
    @TempDir
    Path dir;

    @Test
    void generatedTextIsExactlyTheAskedTokens() throws Exception {
        CalibrateBench.writeTokenizer(dir, 50);
        Path text = CalibrateBench.writeText(dir.resolve("text.txt"), 100, 50);
        try (TextTokenizer tok = TextTokenizer.open(dir.resolve("tokenizer.json"))) {
            int[] ids = tok.encode(Files.readString(text), true);
            assertEquals(100, ids.length, "one token per word, no special tokens");
            assertTrue(Arrays.stream(ids).allMatch(i -> i >= 1 && i < 50), Arrays.toString(ids));
            assertTrue(Arrays.stream(ids).distinct().count() > 20, "random ids, not one word repeated");
        }
    }

    @Test
    void badCalibrateOptionsAreOneLine() {
        assertEquals("rankscope: --tokens must be at least 2", run("bench", "--calibrate", "--tokens", "1"));
        assertEquals("rankscope: --model must be one of [tiny, tinyllama, llama-7b]",
                run("bench", "--calibrate", "--model", "gpt-5"));
        assertEquals("rankscope: --forward and --calibrate are separate benchmarks; run one at a time",
                run("bench", "--calibrate", "--forward"));
    }

    private static String run(String... args) {
        StringWriter sink = new StringWriter();
        CommandLine root = RankscopeCli.commandLine(new PrintWriter(sink), new PrintWriter(sink));
        assertEquals(2, root.execute(args), sink.toString());
        return sink.toString().strip();
    }
}
