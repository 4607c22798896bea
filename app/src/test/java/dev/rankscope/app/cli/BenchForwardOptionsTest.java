package dev.rankscope.app.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code rankscope bench --forward}: bad options are one line and exit 2, before any checkpoint is
 * generated (the benchmark itself is run by hand; its figures are in docs/PERFORMANCE.md).
 */
class BenchForwardOptionsTest {

    private String run(int expectedExit, String... args) {
        StringWriter sink = new StringWriter();
        CommandLine root = RankscopeCli.commandLine(new PrintWriter(sink), new PrintWriter(sink));
        assertEquals(expectedExit, root.execute(args), sink.toString());
        return sink.toString().strip();
    }

    @Test
    void badForwardOptionsAreOneLine() {
        assertEquals("rankscope: --seq-len must be at least 2 and --sequences at least 1",
                run(2, "bench", "--forward", "--seq-len", "1"));
        assertEquals("rankscope: --model must be one of [tiny, tinyllama, llama-7b]",
                run(2, "bench", "--forward", "--model", "gpt-5"));
        assertEquals("rankscope: --layers must be at least 0",
                run(2, "bench", "--forward", "--layers", "-1"));
    }

    @Test
    void quickPreviewNeedsAModel() {
        assertEquals("rankscope: --quick needs --model (tiny, tinyllama, llama-7b)", run(2, "bench", "--quick"));
    }
}
