package dev.rankscope.engine.io.gguf;

import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;

/** GGUF v2/v3 (SPEC §6), recognised by its magic {@code GGUF}, or by a {@code .gguf} name (so damage is reported precisely). */
public final class GgufFormat implements TensorFormat {
    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        if (head.length >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F') {
            return true;
        }
        // Claim *.gguf files whatever their bytes, so a damaged one gets "GGUF magic missing"
        // (or "file is empty") instead of "not a format Rankscope can read".
        Path name = path.getFileName();
        return name != null && name.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".gguf")
                && !java.nio.file.Files.isDirectory(path);
    }

    @Override
    public TensorSource open(Path path) {
        return GgufSource.open(path);
    }
}
