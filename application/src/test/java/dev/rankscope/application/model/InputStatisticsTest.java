package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.ModuleStatistics;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Calibration statistics: Σxxᵀ in float64, mean |x|, tokens; shared groups; spill; the file. */
class InputStatisticsTest {

    @Test
    void gramAbsMeanAndTokensMatchADirectSumAndSurviveSpillAndFile(@TempDir Path dir) throws Exception {
        Random rnd = new Random(5);
        int n = 7;
        float[] a = new float[300 * n];
        float[] b = new float[41 * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rnd.nextGaussian() * (1 + i % n));
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextGaussian();
        }
        double[] gram = new double[n * n];
        double[] abs = new double[n];
        for (float[] x : new float[][] {a, b}) {
            for (int r = 0; r < x.length / n; r++) {
                for (int i = 0; i < n; i++) {
                    abs[i] += Math.abs(x[r * n + i]);
                    for (int j = 0; j < n; j++) {
                        gram[i * n + j] += (double) x[r * n + i] * x[r * n + j];
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            abs[i] /= 341;
        }
        Path out = dir.resolve("stats.safetensors");
        try (InputStatistics s = new InputStatistics(dir)) {
            s.observe("l0.q", "l0.in", 0, a, 0, 300, n);
            s.share("l0.k", "l0.in");
            s.observe("l0.q", "l0.in", 0, b, 0, 41, n);
            s.finishLayer(0);
            assertThrows(IllegalStateException.class, () -> s.observe("l0.q", "l0.in", 0, b, 0, 1, n));
            assertEquals(341, s.tokens("l0.k"));
            assertArrayEquals(gram, s.gram("l0.k"), 1e-9);
            s.write(out, AtomicFileWriter.unprotected(), Map.of("format", "test"), SafetensorsWriter.Progress.NONE);
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "spill files are deleted on close, only the output remains");
        }
        try (TensorSource src = Checkpoints.open(out)) {
            for (String m : new String[] {"l0.q", "l0.k"}) {
                ModuleStatistics ms = ModuleStatistics.read(src, m);
                assertArrayEquals(gram, ms.inputGram().data(), 1e-9, m);
                assertArrayEquals(abs, ms.inputAbsMean(), 1e-12, m);
                assertArrayEquals(new double[] {341}, src.readDouble(m + ".tokens"));
            }
            assertEquals("test", src.metadata().get("format"));
        }
    }

    @Test
    void aGroupsSpillFileIsDeletedOnceItsLastModuleIsWritten(@TempDir Path dir) throws Exception {
        int n = 5;
        float[] x = new float[20 * n];
        java.util.Arrays.fill(x, 0.5f);
        Path out = dir.resolve("stats.safetensors");
        java.util.List<String> seen = new java.util.ArrayList<>();
        try (InputStatistics s = new InputStatistics(dir)) {
            s.observe("l0.q", "l0.in", 0, x, 0, 20, n);
            s.share("l0.k", "l0.in");
            s.finishLayer(0);
            s.observe("l1.down", "l1.down", 1, x, 0, 20, n);
            s.finishLayer(1);
            assertEquals(2, spillFiles(dir), "one spill file per group");
            s.write(out, AtomicFileWriter.unprotected(), Map.of(), (index, count, tensor) -> {
                if (tensor.name().endsWith(".input_gram")) {
                    seen.add(tensor.name() + " " + spillFiles(dir));
                }
            });
        }
        // before l0.k (the group's last module) both spills exist; after it only l1's; after l1 none
        assertEquals(java.util.List.of("l0.q.input_gram 2", "l0.k.input_gram 2", "l1.down.input_gram 1"), seen);
        try (TensorSource src = Checkpoints.open(out)) {
            assertEquals(20 * 0.25, ModuleStatistics.read(src, "l0.k").inputGram().data()[0], 1e-12);
            assertEquals(20 * 0.25, ModuleStatistics.read(src, "l1.down").inputGram().data()[n * n - 1], 1e-12);
        }
    }

    private static long spillFiles(Path dir) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(".rankscope-gram-")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void nonFiniteActivationsNameTheModule() {
        try (InputStatistics s = new InputStatistics()) {
            float[] x = {1, Float.NaN};
            ModelInputException e = assertThrows(ModelInputException.class,
                    () -> s.observe("model.layers.2.mlp.down_proj", "g", 2, x, 0, 1, 2));
            assertTrue(e.userMessage().startsWith("model.layers.2.mlp.down_proj: "), e.userMessage());
        }
    }
}
