package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/** safetensors (SPEC §6). Placeholder until the reader lands in this branch. */
public final class SafetensorsFormat implements TensorFormat {
    @Override
    public String name() {
        return "safetensors";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        return false;
    }

    @Override
    public TensorSource open(Path path) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
