package dev.rankscope.application.model;

import dev.rankscope.runtime.ModelFolder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where the workbench keeps calibration statistics on disk, keyed like the spectrum cache: the
 * model's identity (weights' header SHA-256, path, size, modification time), the text's SHA-256
 * the window length and the token cap. A changed model or text gets a new key, so stale statistics are never
 * reused. Stateless.
 */
public final class StatisticsCache {
    private StatisticsCache() {
    }

    /** The default folder, beside the spectrum cache: {@code ~/.cache/rankscope/statistics}. */
    public static Path defaultFolder() {
        return Path.of(System.getProperty("user.home"), ".cache", "rankscope", "statistics");
    }

    /**
     * The cache file for {@code model} calibrated on {@code text} with windows of {@code seqLen}
     * and at most {@code maxTokens} tokens.
     */
    public static Path file(Path folder, ModelFolder model, TextDocuments text, int seqLen, long maxTokens) {
        String key = ModelTexts.identity(model) + "\n" + text.sha256() + "\n" + seqLen + "\n" + maxTokens;
        String hash = TextDocuments.sha256(key.getBytes(StandardCharsets.UTF_8)).substring(0, 32);
        return folder.resolve(model.path().getFileName() + "-" + hash + ".safetensors");
    }
}
