package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * safetensors (SPEC §6), single-file or sharded. Recognised by content: the first 8 bytes are a
 * little-endian header length between 2 and 100,000,000 and the next byte is {@code '{'}. Also
 * recognised by name ({@code *.safetensors}, so a damaged file gets a precise error rather than
 * "unknown format"), an index file {@code *.safetensors.index.json}, and a folder holding
 * {@code model.safetensors}, an index, or exactly one {@code *.safetensors} file.
 * Opening is delegated to {@link SafetensorsSource#open(Path)}. Stateless and thread-safe.
 */
public final class SafetensorsFormat implements TensorFormat {

    @Override
    public String name() {
        return "safetensors";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        Path fileName = path.getFileName();
        String name = fileName == null ? "" : fileName.toString();
        if (Files.isDirectory(path)) {
            return acceptsFolder(path);
        }
        if (name.endsWith(SafetensorsIndex.SUFFIX) || name.endsWith(".safetensors")) {
            return true;
        }
        return looksLikeSafetensors(head);
    }

    /** Whether {@code head} (the first ≥ 9 bytes of a file) starts like a safetensors file. */
    public static boolean looksLikeSafetensors(byte[] head) {
        if (head == null || head.length < 9) {
            return false;
        }
        long n = ByteBuffer.wrap(head, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return n >= 2 && n <= SafetensorsHeader.MAX_HEADER_BYTES && head[8] == '{';
    }

    private static boolean acceptsFolder(Path dir) {
        if (Files.isRegularFile(dir.resolve(SafetensorsSource.DEFAULT_FILE))) {
            return true;
        }
        try {
            return !SafetensorsIndex.indexFilesIn(dir).isEmpty()
                    || SafetensorsSource.safetensorsFilesIn(dir).size() == 1;
        } catch (CheckpointFormatException unreadable) {
            return false;
        }
    }

    @Override
    public TensorSource open(Path path) {
        return SafetensorsSource.open(path);
    }
}
