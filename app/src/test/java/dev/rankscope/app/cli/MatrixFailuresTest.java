package dev.rankscope.app.cli;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shared per-matrix failure line and exit-code rule of the analysing commands. */
class MatrixFailuresTest {

    @Test
    void theMemoryWatchdogMessageIsNotPrefixedWithTheIdItAlreadyNames() {
        MatrixRef ref = MatrixExtractor.matrices(List.of(new TensorInfo("model.layers.3.mlp.up_proj.weight", DType.F32,
                new long[] {64, 64}, 64L * 64 * 4))).get(0);
        RankscopeException refused = assertThrows(RankscopeException.class,
                () -> new MemoryBudget(1_000, 1_000).acquire(ref, MemoryBudget.Need.onHeap(ref), () -> false));
        String line = new dev.rankscope.application.job.MatrixFailure(ref.id(), refused.userMessage()).describe();
        assertEquals("failed: " + refused.userMessage(), line);
        assertEquals(line.indexOf(ref.id()), line.lastIndexOf(ref.id()), line);
    }

    @Test
    void aReasonThatDoesNotNameTheMatrixGetsTheId() {
        assertEquals("failed: w: weights contain NaN",
                new dev.rankscope.application.job.MatrixFailure("w", "weights contain NaN").describe());
        assertEquals("failed: a.b: The matrix contains NaN or infinite values.",
                new dev.rankscope.application.job.MatrixFailure("a.b", "The matrix contains NaN or infinite values.").describe());
        // a longer id that merely starts with this one is not this one
        assertEquals("failed: a.b: matrix a.b.c is broken",
                new dev.rankscope.application.job.MatrixFailure("a.b", "matrix a.b.c is broken").describe());
    }

    @Test
    void exitCodeIsZeroOneOrTwo() {
        dev.rankscope.application.job.MatrixFailure f = new dev.rankscope.application.job.MatrixFailure("x", "broken");
        assertEquals(0, new MatrixFailures(3, List.of()).exitCode());
        assertEquals(0, MatrixFailures.NONE.exitCode());
        assertEquals(RankscopeCli.EXIT_FAILED_MATRICES, new MatrixFailures(2, List.of(f)).exitCode());
        assertEquals(RankscopeCli.EXIT_BAD_INPUT, new MatrixFailures(0, List.of(f)).exitCode());
        assertEquals(2, MatrixFailures.worst(1, 2));
        assertEquals(1, MatrixFailures.worst(0, 1));
    }

    @Test
    void printsOneLinePerFailure() {
        StringWriter sw = new StringWriter();
        new MatrixFailures(1, List.of(new dev.rankscope.application.job.MatrixFailure("a", "r1"), new dev.rankscope.application.job.MatrixFailure("b", "r2")))
                .print(new PrintWriter(sw, true));
        assertEquals(List.of("rankscope: failed: a: r1", "rankscope: failed: b: r2"), sw.toString().lines().toList());
    }
}
