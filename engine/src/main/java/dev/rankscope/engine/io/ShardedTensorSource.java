package dev.rankscope.engine.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A checkpoint split over shard files and described by a Hugging Face index
 * ({@code *.index.json} = {@code {"metadata": {...}, "weight_map": {tensor: shard file}}}, SPEC §6).
 * Each shard is opened with the format-specific {@code opener}; reads are delegated to the shard
 * that holds the tensor. Shard names must stay inside the index's folder (UNSAFE otherwise), and
 * every tensor the index lists must exist in its shard. Tensors are listed in index order.
 *
 * <p>Files stay open only for the {@link FileTensorSource#MAX_OPEN_FILES} shards read most
 * recently ({@link TensorSource#closeIdleFiles()} on the others), whatever the shard count.
 * Thread safety as for the shard sources; {@link #close()} closes every shard.
 */
public final class ShardedTensorSource implements TensorSource {
    private static final long MAX_INDEX_BYTES = 64L << 20;

    private final Path path;
    private final String format;
    private final Map<String, TensorSource> byTensor = new LinkedHashMap<>();
    private final Map<String, TensorInfo> infos = new LinkedHashMap<>();
    private final List<TensorSource> shards = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private String indexStamp = "";
    /** Shards read most recently (access order); the others' files are closed, bounding open files. */
    private final LinkedHashMap<TensorSource, Boolean> recentShards = new LinkedHashMap<>(16, 0.75f, true);

    private ShardedTensorSource(Path path, String format) {
        this.path = path;
        this.format = format;
    }

    /**
     * Opens the shards named by {@code index}.
     *
     * @param format shown to users, e.g. {@code pytorch (sharded)}
     * @param opener opens one shard file
     */
    public static ShardedTensorSource open(Path index, String format, Function<Path, TensorSource> opener) {
        JsonNode root;
        try {
            if (Files.size(index) > MAX_INDEX_BYTES) {
                throw new CheckpointFormatException(index, Category.TOO_LARGE, "index file is larger than " + MAX_INDEX_BYTES + " bytes");
            }
            root = new ObjectMapper().readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointFormatException(index, Category.MALFORMED_HEADER, "index is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode map = root == null ? null : root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointFormatException(index, Category.MALFORMED_HEADER, "index has no \"weight_map\" object");
        }
        Path dir = index.toAbsolutePath().getParent();
        ShardedTensorSource src = new ShardedTensorSource(index, format);
        try {
            src.indexStamp = FileIdentity.part(index);
        } catch (IOException e) {
            throw new CheckpointFormatException(index, Category.IO, "cannot be read: " + AtomicFileWriter.reason(e), e);
        }
        try {
            JsonNode meta = root.get("metadata");
            if (meta != null && meta.isObject()) {
                meta.fields().forEachRemaining(e -> src.metadata.put(e.getKey(), e.getValue().isTextual()
                        ? e.getValue().asText() : e.getValue().toString()));
            }
            Map<String, TensorSource> opened = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String shardName = e.getValue().asText();
                Path shard = dir.resolve(shardName).normalize();
                if (!e.getValue().isTextual() || shardName.isEmpty() || !shard.startsWith(dir) || Path.of(shardName).isAbsolute()) {
                    throw new CheckpointFormatException(index, Category.UNSAFE, "shard '" + shardName
                            + "' lies outside the checkpoint folder; refusing to open it");
                }
                TensorSource s = opened.get(shardName);
                if (s == null) {
                    if (!Files.isRegularFile(shard)) {
                        throw new CheckpointFormatException(index, Category.IO, "shard '" + shardName + "' is missing");
                    }
                    s = opener.apply(shard);
                    opened.put(shardName, s);
                    src.shards.add(s);
                }
                Optional<TensorInfo> info = s.find(e.getKey());
                if (info.isEmpty()) {
                    throw new CheckpointFormatException(index, Category.BAD_OFFSETS, "index maps tensor '" + e.getKey()
                            + "' to shard '" + shardName + "', which does not hold it");
                }
                src.infos.put(e.getKey(), info.get());
                src.byTensor.put(e.getKey(), s);
            }
        } catch (RuntimeException e) {
            src.close();
            throw e;
        }
        return src;
    }

    @Override
    public Path path() {
        return path;
    }

    /**
     * The index followed by every shard's files, so the cache identity changes when any of them
     * does and writers protecting {@code files()} never overwrite one.
     */
    @Override
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        out.add(path);
        shards.forEach(s -> out.addAll(s.files()));
        return List.copyOf(out);
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public List<TensorInfo> tensors() {
        return List.copyOf(infos.values());
    }

    @Override
    public Optional<TensorInfo> find(String name) {
        return Optional.ofNullable(infos.get(name));
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        TensorSource shard = shardOf(name);
        shard.readElements(name, first, count, dst, dstOffset);
        touched(shard);
    }

    @Override
    public void prefetch(String name) {
        TensorSource shard = byTensor.get(name);
        if (shard != null) {
            shard.prefetch(name);
        }
    }

    /** Float32 elements from the shard holding {@code name} (which may widen them directly). */
    @Override
    public void readElements(String name, long first, int count, float[] dst, int dstOffset) {
        TensorSource shard = shardOf(name);
        shard.readElements(name, first, count, dst, dstOffset);
        touched(shard);
    }

    private TensorSource shardOf(String name) {
        require(name);
        return byTensor.get(name);
    }

    /** Records {@code shard} as recently read; closes the idle files of the shard that falls out. */
    private void touched(TensorSource shard) {
        TensorSource dropped = null;
        synchronized (recentShards) {
            recentShards.put(shard, Boolean.TRUE);
            if (recentShards.size() > FileTensorSource.MAX_OPEN_FILES) {
                dropped = recentShards.keySet().iterator().next();
                recentShards.remove(dropped);
            }
        }
        if (dropped != null) {
            dropped.closeIdleFiles();
        }
    }

    @Override
    public void closeIdleFiles() {
        shards.forEach(TensorSource::closeIdleFiles);
    }

    /** The index's identity followed by each shard's identity as recorded when it was opened. */
    @Override
    public FileIdentity identity() {
        List<String> parts = new ArrayList<>(new FileIdentity(List.of(indexStamp)).parts());
        shards.forEach(s -> parts.addAll(s.identity().parts()));
        return new FileIdentity(parts);
    }

    @Override
    public void verifyUnchanged(String name) {
        require(name);
        byTensor.get(name).verifyUnchanged(name);
    }

    @Override
    public void close() {
        for (TensorSource s : shards) {
            s.close();
        }
    }
}
