package dev.rankscope.engine.tensor;

import dev.rankscope.engine.hub.HuggingFaceCache;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens any supported checkpoint by content. The registry is immutable: the default list is
 * built once from {@link #defaultFormats()}; callers may pass their own list for tests.
 */
public final class Checkpoints {
    private static final int HEAD_BYTES = 64;

    private final List<TensorFormat> formats;

    public Checkpoints(List<TensorFormat> formats) {
        this.formats = List.copyOf(formats);
    }

    /** A registry with every format Rankscope ships. */
    public static Checkpoints standard() {
        return new Checkpoints(defaultFormats());
    }

    /** Convenience for {@code standard().openPath(path)}. */
    public static TensorSource open(Path path) {
        return standard().openPath(path);
    }

    /** Formats shipped with Rankscope, most specific first. */
    public static List<TensorFormat> defaultFormats() {
        List<TensorFormat> list = new ArrayList<>();
        list.add(new dev.rankscope.engine.io.SafetensorsFormat());
        list.add(new dev.rankscope.engine.io.gguf.GgufFormat());
        list.add(new dev.rankscope.engine.io.numpy.NumpyFormat());
        list.add(new dev.rankscope.engine.io.torch.TorchFormat());
        list.add(new dev.rankscope.engine.io.numpy.NpzFormat());
        list.add(new dev.rankscope.engine.io.onnx.OnnxFormat());
        return list;
    }

    public List<TensorFormat> formats() {
        return formats;
    }

    /**
     * Opens {@code path} with the first format that accepts it. A path spelled
     * {@code hf:org/name[@revision]} that does not exist as a file is the snapshot of that model in
     * the local Hugging Face cache ({@link HuggingFaceCache}; no network).
     *
     * @throws CheckpointFormatException naming the file when it is missing, unreadable or of no known format
     * @throws dev.rankscope.engine.RankscopeException naming the reference when it is not in the cache
     */
    public TensorSource openPath(Path path) {
        path = HuggingFaceCache.resolveIfReference(path);
        if (!Files.exists(path)) {
            throw new CheckpointFormatException(path, CheckpointFormatException.Category.IO, "file or folder not found");
        }
        byte[] head = Files.isDirectory(path) ? new byte[0] : head(path);
        for (TensorFormat f : formats) {
            if (f.accepts(path, head)) {
                return f.open(path);
            }
        }
        throw new CheckpointFormatException(path, CheckpointFormatException.Category.UNKNOWN_FORMAT,
                Files.isDirectory(path)
                        ? "folder holds no checkpoint Rankscope can read (safetensors, PyTorch .bin, GGUF, ONNX, NumPy)"
                        : "not a checkpoint format Rankscope can read (safetensors, PyTorch .bin, GGUF, ONNX, NumPy)");
    }

    private static byte[] head(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(HEAD_BYTES);
        } catch (IOException e) {
            throw new CheckpointFormatException(path, CheckpointFormatException.Category.IO,
                    "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
