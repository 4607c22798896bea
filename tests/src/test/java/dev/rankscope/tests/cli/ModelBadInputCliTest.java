package dev.rankscope.tests.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.model.CalibrateJob;
import dev.rankscope.application.model.CalibrateParameters;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.testing.SourceTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue "Model in the loop" §6 items that had no end-to-end test (the others are in
 * {@code ModelInTheLoopCliTest.badInputIsOneLineWithExitTwoAndNoOutput}): a model folder without
 * {@code config.json}, NaN in a layer's weights (the run fails naming the layer), and a cancelled
 * calibration — each leaves no output file behind, on the golden GPT-2.
 */
class ModelBadInputCliTest {
    @TempDir
    Path tmp;

    private Path text() throws Exception {
        return Files.writeString(tmp.resolve("text.txt"),
                "the people said that it was time to find the water . she made a very long way up and down\n");
    }

    private static void assertOneLine(CliRun run, String fragment, Path mustNotExist) {
        assertEquals(2, run.exitCode(), run.out() + run.err());
        assertTrue(run.noStackTrace(), run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), "one line: " + err);
        assertTrue(err.contains(fragment), "'" + fragment + "' in: " + err);
        assertFalse(Files.exists(mustNotExist), mustNotExist + " must not be written");
    }

    /** No file in {@code dir} but {@code kept}: no partial output, no temporary file. */
    private static void onlyInputsLeft(Path dir, List<String> kept) throws Exception {
        try (var files = Files.list(dir)) {
            assertEquals(kept.stream().sorted().toList(), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void missingConfigJsonIsNamedWithWhereItLooked() throws Exception {
        Path model = SourceTree.copyGpt2(tmp.resolve("gpt2"));
        Files.delete(model.resolve("config.json"));
        Path out = tmp.resolve("stats.safetensors");
        assertOneLine(CliRun.of("calibrate", model.toString(), "--text", text().toString(), "--seq-len", "8",
                "--out", out.toString(), "--quiet"), "No config.json in " + model, out);
        Path json = tmp.resolve("evaluated.json");
        assertOneLine(CliRun.of("evaluate", model.toString(), "--text", text().toString(), "--seq-len", "8",
                "--json", json.toString(), "--quiet"), "No config.json in " + model, json);
    }

    @Test
    void nanInALayerFailsTheRunNamingTheLayer() throws Exception {
        Path model = SourceTree.copyGpt2(tmp.resolve("gpt2"));
        writeNaN(model.resolve("model.safetensors"), "h.1.mlp.c_fc.weight");
        Path out = tmp.resolve("stats.safetensors");
        assertOneLine(CliRun.of("calibrate", model.toString(), "--text", text().toString(), "--seq-len", "8",
                "--out", out.toString(), "--quiet"),
                "h.1.mlp.c_proj: the activations entering this module contain NaN or infinite values", out);
        Path json = tmp.resolve("evaluated.json");
        CliRun evaluated = CliRun.of("evaluate", model.toString(), "--text", text().toString(), "--seq-len", "8",
                "--json", json.toString(), "--quiet");
        assertOneLine(evaluated, "NaN or infinite in layer 1", json);
        onlyInputsLeft(tmp, List.of("gpt2", "text.txt"));
    }

    @Test
    void aCancelledCalibrationLeavesNothingBehind() throws Exception {
        Path model = SourceTree.copyGpt2(tmp.resolve("gpt2"));
        Path out = tmp.resolve("stats.safetensors");
        JobTask<?> task = new CalibrateJob().task(new CalibrateParameters(model, text(), 8,
                CalibrateParameters.DEFAULT_MAX_TOKENS, out));
        task.addListener(p -> {
            if (p.fraction() > 0.2) {
                task.cancel();   // mid-run, after the first layer started
            }
        });
        assertThrows(AbstractTask.CancelledException.class, task::runHere);
        onlyInputsLeft(tmp, List.of("gpt2", "text.txt"));
    }

    /** Sets the first element of an F32 tensor of a safetensors file to NaN, in place. */
    private static void writeNaN(Path file, String tensor) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] len = new byte[8];
            f.readFully(len);
            long headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] header = new byte[(int) headerLength];
            f.readFully(header);
            JsonNode entry = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8)).get(tensor);
            assertEquals("F32", entry.get("dtype").asText());
            f.seek(8 + headerLength + entry.get("data_offsets").get(0).asLong());
            f.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NaN).array());
        }
    }
}
