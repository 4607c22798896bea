package dev.rankscope.tests.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope intruders --base hf:… --adapter hf:…} resolved in a fake Hugging Face cache (issue 19): the
 * CLI runs as a separate process with {@code HF_HUB_CACHE} pointing at a {@code models--org--name/snapshots/<rev>}
 * tree holding the sample base and the sample LoRA adapter, exactly as a user's environment would, and must print
 * the same intruder table as the same command on the sample folders. A reference that is not cached is one line
 * naming it (exit 2).
 */
class HuggingFaceIntrudersCliTest {
    private static final String REV = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    private static Path samples() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sample-checkpoints");
            if (Files.isDirectory(candidate.resolve("tiny-llama-lora"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/ not found above " + Path.of("").toAbsolutePath());
    }

    /** models--org--name/snapshots/REV holding a copy of {@code folder}, with refs/main → REV. */
    private static void cache(Path hub, String repo, Path folder) throws IOException {
        Path model = hub.resolve("models--" + repo.replace("/", "--"));
        Path snapshot = Files.createDirectories(model.resolve("snapshots").resolve(REV));
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, snapshot.resolve(f.getFileName().toString()));
            }
        }
        Files.createDirectories(model.resolve("refs"));
        Files.writeString(model.resolve("refs").resolve("main"), REV);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run rankscope(Path hub, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), "dev.rankscope.app.Main"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HF_HUB_CACHE", hub.toString());
        pb.environment().remove("HF_HOME");
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "rankscope did not finish");
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void adapterAndBaseByHuggingFaceReferenceGiveTheSameIntrudersAsThePaths() throws Exception {
        Path hub = Files.createDirectories(tmp.resolve("hub"));
        cache(hub, "rankscope/tiny-llama", samples().resolve("tiny-llama"));
        cache(hub, "rankscope/tiny-llama-lora", samples().resolve("tiny-llama-lora"));

        Run byReference = rankscope(hub, "intruders", "--base", "hf:rankscope/tiny-llama",
                "--adapter", "hf:rankscope/tiny-llama-lora@main", "--engine", "java");
        assertEquals(0, byReference.exitCode(), byReference.err());
        CliRun byPath = CliRun.of("intruders", "--base", samples().resolve("tiny-llama").toString(),
                "--adapter", samples().resolve("tiny-llama-lora").toString(), "--engine", "java");
        assertEquals(0, byPath.exitCode(), byPath.err());
        assertTrue(byPath.out().contains("model.layers.1.self_attn.q_proj"), byPath.out());
        assertEquals(byPath.out(), byReference.out());

        Run missing = rankscope(hub, "intruders", "--base", "hf:rankscope/tiny-llama",
                "--adapter", "hf:rankscope/no-such-adapter", "--engine", "java");
        assertEquals(2, missing.exitCode(), missing.err());
        List<String> lines = missing.err().lines().filter(l -> l.contains("no-such-adapter")).toList();
        assertEquals(1, lines.size(), missing.err());
        assertTrue(lines.get(0).startsWith("rankscope: hf:rankscope/no-such-adapter") && lines.get(0).contains(hub.toString()),
                lines.get(0));
        assertTrue(!missing.err().contains("\tat ") && !missing.err().contains("Exception"), missing.err());
    }
}
