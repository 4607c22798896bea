package dev.rankscope.application.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SeriesOrderTest {

    @Test
    void stepsFollowSpecPatterns() {
        assertEquals(143000L, SeriesOrder.parseStep("step143000"));
        assertEquals(500L, SeriesOrder.parseStep("checkpoint-500"));
        assertEquals(20L, SeriesOrder.parseStep("global_step20"));
        assertEquals(3L, SeriesOrder.parseStep("epoch_3"));
        assertEquals(4L, SeriesOrder.parseStep("epoch-4"));
        assertEquals(5L, SeriesOrder.parseStep("epoch5"));
        // the named pattern wins over a later number; otherwise the last number
        assertEquals(7L, SeriesOrder.parseStep("run2-step7-final9"));
        assertEquals(9L, SeriesOrder.parseStep("run2-final9.safetensors"));
        assertNull(SeriesOrder.parseStep("final"));
        assertNull(SeriesOrder.parseStep("step99999999999999999999999"), "beyond a long is no step");
    }

    @Test
    void namesComeFromTheFolderWhenTheFileHasNoNumber() {
        assertEquals("checkpoint-500", SeriesOrder.nameOf("/runs/checkpoint-500/model.safetensors"));
        assertEquals("step1000.safetensors", SeriesOrder.nameOf("/runs/step1000.safetensors"));
        assertEquals("epoch_3", SeriesOrder.nameOf("hdfs://nn:8020/runs/epoch_3/"));
    }

    @Test
    void ordersByStepNotByName() {
        SeriesOrder.Ordered o = SeriesOrder.byStep(List.of("/r/step1000", "/r/step20", "/r/step300", "/r/step20b"));
        assertEquals(List.of("step20", "step20b", "step300", "step1000"),
                o.members().stream().map(SeriesMember::label).toList());
        assertEquals(List.of(0, 1, 2, 3), o.members().stream().map(SeriesMember::index).toList());
        assertTrue(o.notes().stream().anyMatch(n -> n.contains("share a step") && n.contains("step20b")), o.notes().toString());
    }

    @Test
    void namesWithoutStepGoLastByNameWithANote() {
        SeriesOrder.Ordered o = SeriesOrder.byStep(List.of("/r/final", "/r/step2", "/r/base", "/r/step1"));
        assertEquals(List.of("step1", "step2", "base", "final"), o.members().stream().map(SeriesMember::label).toList());
        assertNull(o.members().get(2).step());
        assertTrue(o.notes().get(0).startsWith("2 checkpoint name(s) without a step number"), o.notes().toString());
    }

    @Test
    void noStepAnywhereFallsBackToNameOrder() {
        SeriesOrder.Ordered o = SeriesOrder.byStep(List.of("/r/zeta", "/r/alpha", "/r/mid"));
        assertEquals(List.of("alpha", "mid", "zeta"), o.members().stream().map(SeriesMember::label).toList());
        assertEquals(List.of("no step number in any checkpoint name; series ordered by name"), o.notes());
    }

    @Test
    void listFileKeepsItsOrderAndResolvesRelativePaths(@TempDir Path dir) throws Exception {
        Path list = dir.resolve("series.txt");
        Files.writeString(list, "# my run\nstep300\n\nstep20\nhdfs://nn/x/step1\n");
        SeriesOrder.Ordered o = SeriesOrder.fromListFile(list);
        assertEquals(List.of(dir.resolve("step300").toString(), dir.resolve("step20").toString(), "hdfs://nn/x/step1"),
                o.members().stream().map(SeriesMember::path).toList());
        assertEquals(300L, o.members().get(0).step());
        assertEquals(List.of("series in the order of series.txt"), o.notes());
    }

    @Test
    void badListFilesAreOneLine(@TempDir Path dir) throws Exception {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> SeriesOrder.fromListFile(dir.resolve("nope.txt")));
        assertEquals(dir.resolve("nope.txt") + ": list file not found", missing.getMessage());
        Path empty = dir.resolve("empty.txt");
        Files.writeString(empty, "# nothing\n\n");
        assertEquals(empty + ": list file names no checkpoint",
                assertThrows(IllegalArgumentException.class, () -> SeriesOrder.fromListFile(empty)).getMessage());
    }
}
