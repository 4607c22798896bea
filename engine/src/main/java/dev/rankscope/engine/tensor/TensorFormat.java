package dev.rankscope.engine.tensor;

import java.nio.file.Path;

/**
 * One checkpoint container format. Formats are chosen by content (magic bytes), not only by
 * extension: {@link Checkpoints#open(Path)} asks each registered format in turn.
 */
public interface TensorFormat {

    /** Short name, e.g. {@code safetensors}. */
    String name();

    /**
     * Whether this format recognises {@code path}. {@code head} holds the first bytes of the
     * file (up to 64; empty for a folder). Must not throw and must not read the whole file.
     */
    boolean accepts(Path path, byte[] head);

    /** Opens the checkpoint; validates its structure fully before returning. */
    TensorSource open(Path path);
}
