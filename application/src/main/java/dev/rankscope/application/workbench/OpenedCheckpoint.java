package dev.rankscope.application.workbench;

import dev.rankscope.engine.config.ModelConfig;
import dev.rankscope.engine.hub.HuggingFaceCache;
import dev.rankscope.engine.tensor.TensorInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint the workbench has opened: its tensor list (read from the header only, so this is
 * available within a second even for multi-GB files) and the matrices that will be analysed.
 * Immutable apart from {@link #close()}; the underlying tensor source stays open until closed.
 *
 * @param path     the file or folder the user opened
 * @param format   short format name ({@code safetensors}, {@code safetensors (sharded)} …)
 * @param tensors  every tensor in file order, analysable or not (1-D norms and biases included)
 * @param matrices the analysable matrices (SPEC §7) in file order, sub-matrix views ({@code #q}, {@code #k}, {@code #v})
 *                 right after the matrix they are cut from
 * @param metadata free-form metadata of the checkpoint
 * @param handle   releases the file handles; never throws
 * @param model    architecture facts from config.json or GGUF metadata ({@link ModelConfig#none} when unknown)
 * @param notes    one line per thing the matrix listing could not do (e.g. a fused QKV left whole), may be empty
 */
public record OpenedCheckpoint(Path path, String format, List<TensorInfo> tensors, List<MatrixEntry> matrices,
                               Map<String, String> metadata, AutoCloseable handle, ModelConfig model,
                               List<String> notes) {
    public OpenedCheckpoint {
        tensors = List.copyOf(tensors);
        matrices = List.copyOf(matrices);
        metadata = Map.copyOf(metadata);
        model = model == null ? ModelConfig.none("no model facts read") : model;
        notes = List.copyOf(notes);
    }

    /** Without model facts (fakes and tests). */
    public OpenedCheckpoint(Path path, String format, List<TensorInfo> tensors, List<MatrixEntry> matrices,
                            Map<String, String> metadata, AutoCloseable handle) {
        this(path, format, tensors, matrices, metadata, handle, null, List.of());
    }

    /** File or folder name for titles and dialogs. */
    public String displayName() {
        Path fn = path.getFileName();
        // a Hugging Face cache snapshot is named by its model, not by the revision hash it is stored under
        return HuggingFaceCache.snapshotName(path).orElse(fn == null ? path.toString() : fn.toString());
    }

    /** Total stored bytes of all tensors. */
    public long totalBytes() {
        long s = 0;
        for (TensorInfo t : tensors) {
            s += t.byteSize();
        }
        return s;
    }

    /** Releases the file; safe to call twice. */
    public void close() {
        try {
            handle.close();
        } catch (Exception ignored) {
            // AutoCloseable's signature only: TensorSource.close() never throws.
        }
    }
}
