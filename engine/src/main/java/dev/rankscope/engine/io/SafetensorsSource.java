package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A safetensors checkpoint (SPEC §6) as one {@link dev.rankscope.engine.tensor.TensorSource}:
 * a single file, or a sharded model described by a {@code *.safetensors.index.json}. Every file
 * is validated by {@link SafetensorsHeader#read} before the source is returned; tensors are then
 * read with positional reads (files over 2 GB work) and decoded by {@link ElementDecoder}.
 *
 * <p>Tensor order: shards in name order, and inside each file by data offset. Metadata: the
 * index's scalar {@code metadata} entries (e.g. {@code total_size}) followed by each file's
 * {@code __metadata__} (first occurrence of a key wins).
 *
 * <p>Thread safety: as {@link FileTensorSource} (concurrent reads allowed, close not concurrent).
 */
public final class SafetensorsSource extends SafetensorsFileSource {

    /** The single-file name Hugging Face uses; a folder holding it opens as that file. */
    public static final String DEFAULT_FILE = "model.safetensors";

    private final SafetensorsIndex index;

    private SafetensorsSource(Path path, String format, List<SafetensorsHeader> headers,
                              Map<String, String> metadata, SafetensorsIndex index) {
        super(path, format, headers, metadata);
        this.index = index;
    }

    /**
     * Opens whatever the user pointed at: a folder, an index file, a shard (the whole model
     * when a sibling index lists it) or a single file.
     */
    public static SafetensorsSource open(Path path) {
        if (Files.isDirectory(path)) {
            return openFolder(path);
        }
        Path name = path.getFileName();
        if (name != null && name.toString().endsWith(SafetensorsIndex.SUFFIX)) {
            return openIndex(path, path);
        }
        Optional<SafetensorsIndex> index = SafetensorsIndex.findFor(path);
        if (index.isPresent()) {
            return openIndex(index.get(), path);
        }
        return openFile(path);
    }

    /** Opens exactly one file, ignoring any index next to it. */
    public static SafetensorsSource openFile(Path file) {
        SafetensorsHeader h = SafetensorsHeader.read(file);
        return new SafetensorsSource(file, "safetensors", List.of(h), h.metadata(), null);
    }

    /**
     * Opens a folder: {@code model.safetensors} if present (as Hugging Face prefers), else its
     * index ({@code model.safetensors.index.json} first), else its only {@code *.safetensors} file.
     *
     * @throws CheckpointFormatException UNKNOWN_FORMAT when the folder holds none of these
     */
    public static SafetensorsSource openFolder(Path dir) {
        Path single = dir.resolve(DEFAULT_FILE);
        if (Files.isRegularFile(single)) {
            SafetensorsHeader h = SafetensorsHeader.read(single);
            return new SafetensorsSource(dir, "safetensors", List.of(h), h.metadata(), null);
        }
        List<Path> indexes = SafetensorsIndex.indexFilesIn(dir);
        if (!indexes.isEmpty()) {
            return openIndex(indexes.get(0), dir);
        }
        List<Path> files = safetensorsFilesIn(dir);
        if (files.size() == 1) {
            SafetensorsHeader h = SafetensorsHeader.read(files.get(0));
            return new SafetensorsSource(dir, "safetensors", List.of(h), h.metadata(), null);
        }
        throw noModelIn(dir, files.size());
    }

    private static SafetensorsSource openIndex(Path indexFile, Path opened) {
        return openIndex(SafetensorsIndex.read(indexFile), opened);
    }

    /**
     * Opens every shard named by {@code index} and checks that each tensor the index lists is in
     * the shard it names. The source's {@link #path()} is {@code opened}.
     */
    public static SafetensorsSource openIndex(SafetensorsIndex index, Path opened) {
        String indexName = index.file().getFileName().toString();
        Shards shards = shards(index, shardName -> {
            Path shard = index.resolve(shardName);
            if (!Files.isRegularFile(shard)) {
                throw new CheckpointFormatException(shard, Category.IO, "shard listed in " + indexName + " is missing");
            }
            return SafetensorsHeader.read(shard);
        });
        return new SafetensorsSource(opened, shardedFormat(shards.headers().size()), shards.headers(), shards.metadata(),
                index);
    }

    /** The format name of a sharded checkpoint of {@code files} shard files, as {@link #format()} shows it. */
    public static String shardedFormat(int files) {
        return "safetensors (sharded, " + files + (files == 1 ? " file)" : " files)");
    }

    /**
     * The files read: the single file, or the index followed by every shard in shard order. The
     * index is included so that the cache identity changes with it and writers protecting
     * {@code files()} never overwrite it.
     */
    @Override
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        if (index != null) {
            out.add(index.file());
        }
        headers().forEach(h -> out.add(h.file()));
        return List.copyOf(out);
    }

    /** The index when the model is sharded. */
    public Optional<SafetensorsIndex> index() {
        return Optional.ofNullable(index);
    }

    static List<Path> safetensorsFilesIn(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.safetensors")) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            throw new CheckpointFormatException(dir, Category.IO, "folder cannot be listed: " + e.getMessage(), e);
        }
        Collections.sort(out);
        return out;
    }
}
