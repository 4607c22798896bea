package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tensor source made of validated safetensors files (SPEC §6), whatever reads their bytes: the
 * local {@link SafetensorsSource}, or the Spark module's reader over Hadoop file systems. It
 * registers every tensor of every header at its absolute offset (little-endian) and keeps the
 * format name, metadata and headers as opened; {@link #shards} is the one rule that turns an index
 * and its shards' headers into one model, {@link #noModelIn} the one refusal of a folder holding
 * no model. Thread safety: as {@link FileTensorSource}.
 */
public abstract class SafetensorsFileSource extends FileTensorSource implements SafetensorsHeaders {
    private final String format;
    private final List<SafetensorsHeader> headers;
    private final Map<String, String> metadata;

    protected SafetensorsFileSource(Path path, String format, List<SafetensorsHeader> headers,
                                    Map<String, String> metadata) {
        super(path);
        this.format = format;
        this.headers = List.copyOf(headers);
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        for (SafetensorsHeader h : headers) {
            for (SafetensorsHeader.Entry e : h.entries()) {
                add(e.info(), new Location(h.file(), h.dataStart() + e.begin(), e.dtype(), ByteOrder.LITTLE_ENDIAN));
            }
        }
    }

    /** The validated headers of a sharded model, in shard order, and its metadata. */
    public record Shards(List<SafetensorsHeader> headers, Map<String, String> metadata) {
    }

    /** Reads and validates the header of one shard named in an index (its own file system, its own errors). */
    @FunctionalInterface
    public interface ShardReader<E extends Exception> {
        SafetensorsHeader header(String shardName) throws E;
    }

    /**
     * Reads every shard {@code index} names and checks that each tensor the index lists is in the
     * shard it names ({@link SafetensorsIndex#requireTensorsIn}). Metadata: the index's scalar
     * entries, then each shard's {@code __metadata__} (first occurrence of a key wins).
     */
    public static <E extends Exception> Shards shards(SafetensorsIndex index, ShardReader<E> reader) throws E {
        List<SafetensorsHeader> headers = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>(index.metadata());
        for (String shardName : index.shardNames()) {
            SafetensorsHeader h = reader.header(shardName);
            index.requireTensorsIn(shardName, h);
            h.metadata().forEach(metadata::putIfAbsent);
            headers.add(h);
        }
        return new Shards(headers, metadata);
    }

    /** A folder with no {@code model.safetensors}, no index and not exactly one {@code .safetensors} file. */
    public static CheckpointFormatException noModelIn(Path folder, int safetensorsFiles) {
        return new CheckpointFormatException(folder, Category.UNKNOWN_FORMAT, safetensorsFiles == 0
                ? "folder holds no model.safetensors and no *.safetensors.index.json"
                : "folder holds " + safetensorsFiles + " .safetensors files but no index saying how they form one model");
    }

    @Override
    public String format() {
        return format;
    }

    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** Validated headers, one per file (shard order). */
    @Override
    public List<SafetensorsHeader> headers() {
        return headers;
    }
}
