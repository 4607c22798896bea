package dev.rankscope.app.cli;

import dev.rankscope.engine.testing.SourceTree;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tokenizer-using command ({@code rankscope calibrate}, DJL's Hugging Face tokenizers) run as its
 * own process on the app's class path: stderr holds Rankscope's own lines only, no SLF4J "no
 * provider / no binder" warning. A fresh JVM is needed because SLF4J prints that warning once, when
 * it first initialises; the class path is the app module's, whose versions are those the app jar's
 * {@code lib/} ships.
 */
class NoSlf4jWarningTest {
    @TempDir
    Path dir;

    @Test
    void calibrateWritesNoSlf4jLineOnStderr() throws Exception {
        Path model = SourceTree.copyGpt2(dir.resolve("gpt2"));
        Path text = Files.writeString(dir.resolve("text.txt"), "the people said that it was time to find the water .\n");
        Path stats = dir.resolve("stats.safetensors");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dev.rankscope.app.Main", "calibrate", model.toString(), "--text", text.toString(), "--seq-len", "8",
                "--out", stats.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "calibrate finished");
        assertEquals(0, p.exitValue(), err);
        assertTrue(Files.isRegularFile(stats), "the tokenizer ran: statistics written");
        assertTrue(err.lines().noneMatch(l -> l.startsWith("SLF4J")), "no SLF4J line on stderr:\n" + err);
        assertTrue(err.lines().allMatch(l -> l.startsWith("rankscope: ")), "only Rankscope's own lines:\n" + err);
    }
}
