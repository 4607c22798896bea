package dev.rankscope.runtime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ForwardBench} counts the work it times correctly (no timing assertions: speed figures
 * live in {@code rankscope bench --forward}).
 */
class ForwardBenchTest {

    @Test
    void countsTheMatmulWorkOfTheSpecLlama() {
        try (Golden g = new Golden("llama-spec")) {
            ForwardBench.Result r = ForwardBench.run(new ForwardBench.Parameters(g.folder, 8, 2, 1), ForwardMonitor.NONE);
            int vocab = 103;
            // hidden 8, 2 heads of 4, 1 KV head, intermediate 16, untied head: Σ in·out per token
            double perToken = 8 * 8 + 8 * 4 + 8 * 4 + 8 * 8 + 8 * 16 + 8 * 16 + 16 * 8 + 8 * vocab;
            double attention = 4.0 * 2 * 8 * 8 * 4 * 2;
            assertEquals(16, r.tokens());
            assertEquals((2 * 16 * perToken + attention) / 1e9, r.forwardGflop(), 1e-15);
            assertEquals("16×16×8", r.sgemmShape());
            assertTrue(r.forwardSeconds() > 0 && r.sgemmGflops() > 0);
            assertTrue(r.forwardCpuSeconds() > 0 && r.sgemmGflopsPerCpuSecond() > 0);
            assertTrue(r.wallEfficiency() > 0 && r.cpuEfficiency() > 0);
            assertEquals(16 / r.forwardSeconds(), r.tokensPerSecond(), 1e-9);
            assertTrue(r.totalSeconds() >= r.forwardSeconds(), "the whole run includes the pass");
            assertTrue(r.blas().startsWith("native OpenBLAS"), r.blas());
        }
    }

    @Test
    void refusesEncoders() {
        try (Golden g = new Golden("bert")) {
            assertTrue(assertThrows(ModelRuntimeException.class,
                    () -> ForwardBench.run(new ForwardBench.Parameters(g.folder, 8, 1, 1), ForwardMonitor.NONE))
                    .userMessage().contains("needs a causal LM"));
        }
    }
}
