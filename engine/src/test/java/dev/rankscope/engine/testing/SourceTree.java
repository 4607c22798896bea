package dev.rankscope.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fixtures found in the project's source tree from any module's working directory (tests of
 * app, views and tests reuse another module's committed test resources), and the tiny golden
 * GPT-2 of the runtime's tests (fused {@code c_attn}, Conv1D storage, a WordLevel tokenizer) as a
 * model folder of its own.
 */
public final class SourceTree {
    private SourceTree() {
    }

    /** The first {@code relative} path that exists in the working directory or one of its parents. */
    public static Path find(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    /** The runtime's golden GPT-2 folder (it also holds {@code golden.safetensors}, the reference outputs). */
    public static Path goldenGpt2() {
        return find("runtime/src/test/resources/golden/gpt2");
    }

    /** A model folder {@code target} with the golden GPT-2's config, weights and tokenizer (created). */
    public static Path copyGpt2(Path target) {
        try {
            Files.createDirectories(target);
            for (String f : List.of("config.json", "model.safetensors", "tokenizer.json")) {
                Files.copy(goldenGpt2().resolve(f), target.resolve(f));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
