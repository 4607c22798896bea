package dev.rankscope.engine.io.numpy;

import dev.rankscope.engine.io.ZipArchive;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * NumPy {@code .npz} archives (SPEC §6): a zip whose entries are {@code .npy} arrays. Recognised
 * by content: a zip whose central directory lists only {@code .npy} entries (any extension), or
 * any zip named {@code *.npz}.
 */
public final class NpzFormat implements TensorFormat {
    @Override
    public String name() {
        return "npz";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        if (!ZipArchive.looksLikeZip(head) || Files.isDirectory(path)) {
            return false;
        }
        if (String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT).endsWith(".npz")) {
            return true;
        }
        try {
            var entries = ZipArchive.open(path).entries().keySet();
            return !entries.isEmpty() && entries.stream().allMatch(n -> n.endsWith(".npy"));
        } catch (CheckpointFormatException unreadable) {
            return false;
        }
    }

    @Override
    public TensorSource open(Path path) {
        return NumpySource.openNpz(path);
    }
}
