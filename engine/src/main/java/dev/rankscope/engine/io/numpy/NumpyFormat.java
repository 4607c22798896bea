package dev.rankscope.engine.io.numpy;

import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/** A single NumPy {@code .npy} array (SPEC §6), recognised by its {@code \x93NUMPY} magic or a {@code .npy} name. */
public final class NumpyFormat implements TensorFormat {
    @Override
    public String name() {
        return "npy";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        if (NpyHeader.hasMagic(head)) {
            return true;
        }
        // Claim *.npy files whatever their bytes, so a damaged one gets "magic missing" rather
        // than "not a format Rankscope can read".
        Path name = path.getFileName();
        return name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".npy")
                && !java.nio.file.Files.isDirectory(path);
    }

    @Override
    public TensorSource open(Path path) {
        return NumpySource.openNpy(path);
    }
}
