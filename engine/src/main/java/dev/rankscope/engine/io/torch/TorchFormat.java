package dev.rankscope.engine.io.torch;

import dev.rankscope.engine.io.ShardedTensorSource;
import dev.rankscope.engine.io.ZipArchive;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * PyTorch checkpoints (SPEC §6), recognised by content: a zip holding {@code <archive>/data.pkl}
 * (any extension; unreadable {@code .bin/.pt/.pth/.ckpt} zips are claimed so their problems are reported),
 * a legacy raw pickle (refused with UNSUPPORTED: "re-save with torch ≥ 1.6"), a sharded
 * {@code *.bin.index.json}, or a folder holding {@code pytorch_model.bin.index.json},
 * {@code pytorch_model.bin} or {@code adapter_model.bin} (PEFT).
 */
public final class TorchFormat implements TensorFormat {
    private static final List<String> FOLDER_FILES = List.of("pytorch_model.bin.index.json", "pytorch_model.bin", "adapter_model.bin");
    private static final List<String> EXTENSIONS = List.of(".bin", ".pt", ".pth", ".ckpt");

    @Override
    public String name() {
        return "pytorch";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        if (Files.isDirectory(path)) {
            return FOLDER_FILES.stream().anyMatch(f -> Files.isRegularFile(path.resolve(f)));
        }
        String lower = String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT);
        if (isIndex(lower)) {
            return true;
        }
        if (isLegacyPickle(head)) {
            return true;
        }
        if (!ZipArchive.looksLikeZip(head)) {
            return false;
        }
        try {
            return ZipArchive.open(path).entries().keySet().stream().anyMatch(n -> n.endsWith("data.pkl"));
        } catch (CheckpointFormatException unreadable) {
            // A broken or hostile zip named like a checkpoint: let open() report why.
            return EXTENSIONS.stream().anyMatch(lower::endsWith);
        }
    }

    @Override
    public TensorSource open(Path path) {
        Path target = path;
        if (Files.isDirectory(path)) {
            target = FOLDER_FILES.stream().map(path::resolve).filter(Files::isRegularFile).findFirst()
                    .orElseThrow(() -> new CheckpointFormatException(path, Category.UNKNOWN_FORMAT, "folder holds no PyTorch checkpoint"));
        }
        if (isIndex(String.valueOf(target.getFileName()).toLowerCase(Locale.ROOT))) {
            return ShardedTensorSource.open(target, "pytorch (sharded)", TorchSource::open);
        }
        if (isLegacyPickle(head(target))) {
            throw new CheckpointFormatException(target, Category.UNSUPPORTED,
                    "legacy PyTorch format (a bare pickle, written by torch < 1.6 or with _use_new_zipfile_serialization=False); "
                            + "re-save with torch ≥ 1.6 (torch.save(torch.load(f), f)) or convert to safetensors");
        }
        return TorchSource.open(target);
    }

    private static boolean isIndex(String lowerName) {
        return lowerName.endsWith(".bin.index.json") || lowerName.endsWith(".pt.index.json");
    }

    /** A pickle (PROTO 2–5) at the start of the file: the pre-1.6 torch layout. */
    static boolean isLegacyPickle(byte[] head) {
        return head.length >= 2 && (head[0] & 0xFF) == 0x80 && head[1] >= 2 && head[1] <= 5;
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(4);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        }
    }
}
