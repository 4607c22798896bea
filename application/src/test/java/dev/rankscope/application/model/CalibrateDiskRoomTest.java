package dev.rankscope.application.model;

import dev.rankscope.runtime.LinearModule;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Calibrate refuses, before the forward pass, an output disk too small for the statistics (a
 * Llama-2-7B-shaped model needs 57 GB): the estimate is the written file's tensor bytes plus the
 * largest Gram (a spill file that may still exist while the file is written), checked here against a
 * real run on the trained sample.
 */
class CalibrateDiskRoomTest {
    @TempDir
    Path dir;

    @Test
    void theEstimateIsTheFilesTensorBytesPlusTheLargestGram() throws Exception {
        Path model = QuantizedEvaluateTest.sample();
        Path out = dir.resolve("stats.safetensors");
        new CalibrateJob().task(new CalibrateParameters(model, model.resolve("calibration.txt"), 64, 512, out)).runHere();
        List<LinearModule> modules;
        try (ModelFolder folder = ModelFolder.open(model)) {
            modules = ModelRuntime.of(folder).linearModules();
        }
        long largest = modules.stream().mapToLong(m -> (long) m.inFeatures() * m.inFeatures() * Double.BYTES).max()
                .orElseThrow();
        long headerBytes;
        try (InputStream in = Files.newInputStream(out)) {
            byte[] b = new DataInputStream(in).readNBytes(8);
            headerBytes = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        }
        long tensorBytes = Files.size(out) - 8 - headerBytes;
        assertEquals(tensorBytes + largest, CalibrateJob.statisticsDiskBytes(modules));
    }

    @Test
    void tooLittleRoomIsOneSentenceBeforeAnyWork() throws Exception {
        Path model = QuantizedEvaluateTest.sample();
        List<LinearModule> modules;
        try (ModelFolder folder = ModelFolder.open(model)) {
            modules = ModelRuntime.of(folder).linearModules();
        }
        long need = CalibrateJob.statisticsDiskBytes(modules);
        Path out = dir.resolve("stats.safetensors");
        ModelInputException e = assertThrows(ModelInputException.class,
                () -> CalibrateJob.checkDiskRoom(out, modules, need - 1));
        assertTrue(e.getMessage().startsWith(out + ": the statistics of " + modules.size() + " modules need "),
                e.getMessage());
        assertTrue(e.getMessage().contains("of free disk in " + dir.toAbsolutePath()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertDoesNotThrow(() -> CalibrateJob.checkDiskRoom(out, modules, need));
        assertDoesNotThrow(() -> CalibrateJob.checkDiskRoom(out, modules, -1), "unknown room: no refusal");
    }
}
