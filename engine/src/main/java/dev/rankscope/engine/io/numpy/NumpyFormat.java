package dev.rankscope.engine.io.numpy;

import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/** A single NumPy {@code .npy} array (SPEC §6), recognised by its {@code \x93NUMPY} magic. */
public final class NumpyFormat implements TensorFormat {
    @Override
    public String name() {
        return "npy";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        return NpyHeader.hasMagic(head);
    }

    @Override
    public TensorSource open(Path path) {
        return NumpySource.openNpy(path);
    }
}
