package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/** GGUF v2/v3 (SPEC §6), recognised by its magic {@code GGUF}. */
public final class GgufFormat implements TensorFormat {
    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        return head.length >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
    }

    @Override
    public TensorSource open(Path path) {
        return GgufSource.open(path);
    }
}
