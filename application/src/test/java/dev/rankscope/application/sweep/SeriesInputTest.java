package dev.rankscope.application.sweep;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What File ▸ Open Series… resolves a choice to, and the CSV cells the sweep output reader splits. */
class SeriesInputTest {
    @TempDir
    Path dir;

    static List<String> labels(SeriesInput in) {
        return in.order().members().stream().map(SeriesMember::label).toList();
    }

    @Test
    void aFolderOfFilesIsOrderedByStepAndOtherFilesAreIgnored() throws Exception {
        for (String f : List.of("model-step30.safetensors", "model-step4.safetensors", "notes.txt", ".hidden.bin")) {
            Files.writeString(dir.resolve(f), "x");
        }
        Files.createDirectory(dir.resolve("global_step7"));
        SeriesInput in = SeriesInput.of(List.of(dir));
        assertFalse(in.isSweepOutput());
        assertEquals(List.of("model-step4.safetensors", "global_step7", "model-step30.safetensors"), labels(in));
    }

    @Test
    void aListFileKeepsItsOrderAndASweepFolderIsRecognised() throws Exception {
        Path list = dir.resolve("order.txt");
        Files.writeString(list, "# mine\nstep9\nstep2\n\nstep5\n");
        SeriesInput in = SeriesInput.of(List.of(list));
        assertEquals(List.of("step9", "step2", "step5"), labels(in));
        assertEquals(dir.resolve("step9").toString(), in.order().members().get(0).path());
        Path out = Files.createDirectory(dir.resolve("out"));
        Files.writeString(out.resolve("series.json"), "{}");
        SeriesInput sweep = SeriesInput.of(List.of(out));
        assertTrue(sweep.isSweepOutput());
        assertEquals(out, sweep.sweepOutput());
    }

    @Test
    void aShardedCheckpointOrAnEmptyFolderIsRefusedInOneSentence() throws Exception {
        Path sharded = Files.createDirectory(dir.resolve("llama"));
        Files.writeString(sharded.resolve("model-00001-of-00002.safetensors"), "x");
        Files.writeString(sharded.resolve("model.safetensors.index.json"), "{}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SeriesInput.of(List.of(sharded)));
        assertEquals("llama is one sharded checkpoint (model.safetensors.index.json), not a series; "
                + "choose the folder that holds the checkpoints", e.getMessage());
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals("empty holds no checkpoint folders or files to open as a series",
                assertThrows(IllegalArgumentException.class, () -> SeriesInput.of(List.of(empty))).getMessage());
        assertEquals("gone: file or folder not found",
                assertThrows(IllegalArgumentException.class, () -> SeriesInput.of(List.of(dir.resolve("gone")))).getMessage());
    }

    @Test
    void csvCellsUndoTheSweepTablesQuoting() {
        SweepRow failed = SweepRow.failed(new SeriesMember(0, "/x/step1", "step1", 1L), "m.weight", 3, "q", 4, 5,
                "cannot read: \"bad\", truncated\nat byte 7");
        List<String> lines = new SweepTable(SweepColumns.all(), false, false).csvLines(List.of(failed));
        List<List<String>> cells = CsvCells.parse(String.join("\r\n", lines) + "\r\n");
        assertEquals(2, cells.size());
        assertEquals(cells.get(0).size(), cells.get(1).size());
        int failure = cells.get(0).indexOf("failure");
        assertEquals("cannot read: \"bad\", truncated\nat byte 7", cells.get(1).get(failure));
        assertEquals("", cells.get(1).get(cells.get(0).indexOf("effective_rank")));
    }
}
