package dev.rankscope.engine.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A sharded safetensors index (SPEC §6), {@code model.safetensors.index.json}:
 * {@code {"metadata": {"total_size": …}, "weight_map": {tensor: "model-00001-of-00003.safetensors"}}}.
 *
 * <p>Validation: the file is at most {@link SafetensorsHeader#MAX_HEADER_BYTES} (TOO_LARGE), a JSON
 * object (MALFORMED_HEADER) with a non-empty {@code weight_map} of strings; a tensor listed twice is
 * DUPLICATE_NAME; a shard name that is absolute or contains a {@code ..} component (either slash)
 * would escape the folder and is UNSAFE. Scalar {@code metadata} values are kept as strings;
 * other top-level keys are ignored.
 *
 * @param file      the index file
 * @param weightMap tensor name → shard file name, in index order
 * @param metadata  scalar entries of {@code metadata} as strings (e.g. {@code total_size})
 */
public record SafetensorsIndex(Path file, Map<String, String> weightMap, Map<String, String> metadata) {

    /** Suffix that marks a safetensors index file. */
    public static final String SUFFIX = ".safetensors.index.json";
    /** The conventional index name written by Hugging Face and by {@link SafetensorsWriter}. */
    public static final String DEFAULT_NAME = "model" + SUFFIX;

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(SafetensorsHeader.MAX_NESTING)
                    .maxNameLength(SafetensorsHeader.MAX_NAME_CHARS)
                    .build())
            .build();

    public SafetensorsIndex {
        weightMap = Collections.unmodifiableMap(new LinkedHashMap<>(weightMap));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The folder holding the index and its shards. */
    public Path folder() {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath() : parent;
    }

    /** Distinct shard file names, sorted (Hugging Face's numbering sorts in shard order). */
    public List<String> shardNames() {
        List<String> names = new ArrayList<>(new LinkedHashSet<>(weightMap.values()));
        Collections.sort(names);
        return names;
    }

    /** Tensors the index places in {@code shardName}, in index order. */
    public List<String> tensorsIn(String shardName) {
        List<String> out = new ArrayList<>();
        weightMap.forEach((t, s) -> {
            if (s.equals(shardName)) {
                out.add(t);
            }
        });
        return out;
    }

    /** The path of a shard named by this index (names were checked to stay inside {@link #folder()}). */
    public Path resolve(String shardName) {
        return folder().resolve(shardName).normalize();
    }

    /** Reads and validates an index file. */
    public static SafetensorsIndex read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > SafetensorsHeader.MAX_HEADER_BYTES) {
                throw new CheckpointFormatException(file, Category.TOO_LARGE,
                        "index is " + size + " bytes, over the 100,000,000-byte limit");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CheckpointFormatException(file, Category.IO, "file not found", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        }
        return parse(file, bytes);
    }

    /**
     * Validates index bytes read elsewhere (the Spark job reads them through Hadoop's FileSystem)
     * exactly as {@link #read} does; shard names are checked against {@code file}'s folder.
     *
     * @param file  the index's path, used for messages and to resolve shards
     * @param bytes the whole index file (at most {@link SafetensorsHeader#MAX_HEADER_BYTES})
     */
    public static SafetensorsIndex parse(Path file, byte[] bytes) {
        if (bytes.length > SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE,
                    "index is " + bytes.length + " bytes, over the 100,000,000-byte limit");
        }
        Map<String, String> weightMap = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        boolean sawWeightMap = false;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw malformed(file, "index is not a JSON object");
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                if ("weight_map".equals(key) && v == JsonToken.START_OBJECT) {
                    sawWeightMap = true;
                    readWeightMap(file, p, weightMap);
                } else if ("metadata".equals(key) && v == JsonToken.START_OBJECT) {
                    readMetadata(p, metadata);
                } else if ("weight_map".equals(key)) {
                    throw malformed(file, "'weight_map' is not an object");
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw malformed(file, "index is not a single JSON object");
            }
        } catch (StreamConstraintsException e) {
            throw new CheckpointFormatException(file, Category.TOO_LARGE,
                    "index exceeds a structural limit: " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new CheckpointFormatException(file, Category.MALFORMED_HEADER,
                    "index is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "index cannot be parsed: " + e.getMessage(), e);
        }
        if (!sawWeightMap || weightMap.isEmpty()) {
            throw malformed(file, "index has no 'weight_map' entries");
        }
        return new SafetensorsIndex(file, weightMap, metadata);
    }

    /**
     * Finds an index next to {@code shard} (a sibling {@code *.safetensors.index.json}) whose
     * weight_map references the shard's file name. Indexes are tried in name order; one that
     * fails validation is reported (it claims to describe this folder), not skipped.
     */
    public static Optional<SafetensorsIndex> findFor(Path shard) {
        Path abs = shard.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || abs.getFileName() == null) {
            return Optional.empty();
        }
        String shardName = abs.getFileName().toString();
        for (Path candidate : indexFilesIn(dir)) {
            if (!Files.isRegularFile(candidate)) {
                continue;
            }
            SafetensorsIndex index = read(candidate);
            if (index.weightMap().containsValue(shardName)) {
                return Optional.of(index);
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that shard {@code shardName}, whose validated header is {@code header}, holds every
     * tensor this index places in it.
     *
     * @throws CheckpointFormatException MALFORMED_HEADER naming the shard and the missing tensor
     */
    public void requireTensorsIn(String shardName, SafetensorsHeader header) {
        java.util.Set<String> present = new java.util.HashSet<>();
        header.entries().forEach(e -> present.add(e.name()));
        for (String tensor : tensorsIn(shardName)) {
            if (!present.contains(tensor)) {
                throw new CheckpointFormatException(header.file(), Category.MALFORMED_HEADER, file.getFileName()
                        + " places tensor '" + tensor + "' in this shard, but the shard does not contain it");
            }
        }
    }

    /** Index files directly inside {@code dir}, sorted by name ({@code model.safetensors.index.json} first). */
    public static List<Path> indexFilesIn(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            throw new CheckpointFormatException(dir, Category.IO, "folder cannot be listed: " + e.getMessage(), e);
        }
        out.sort((a, b) -> {
            boolean da = a.getFileName().toString().equals(DEFAULT_NAME);
            boolean db = b.getFileName().toString().equals(DEFAULT_NAME);
            return da != db ? (da ? -1 : 1) : a.getFileName().toString().compareTo(b.getFileName().toString());
        });
        return out;
    }

    private static void readWeightMap(Path file, JsonParser p, Map<String, String> weightMap) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String tensor = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw malformed(file, "weight_map entry for '" + tensor + "' is not a file name");
            }
            String shard = p.getText();
            checkShardName(file, shard);
            if (weightMap.put(tensor, shard) != null) {
                throw new CheckpointFormatException(file, Category.DUPLICATE_NAME,
                        "tensor name '" + tensor + "' appears twice in weight_map");
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw malformed(file, "'weight_map' is incomplete");
        }
    }

    private static void readMetadata(JsonParser p, Map<String, String> metadata) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken v = p.nextToken();
            if (v.isScalarValue()) {
                metadata.put(key, p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    /** Rejects shard names that would leave the index's folder. */
    static void checkShardName(Path index, String shard) {
        boolean unsafe = shard.isEmpty() || shard.startsWith("/") || shard.startsWith("\\")
                || DRIVE.matcher(shard).matches() || shard.indexOf('\0') >= 0;
        for (String part : shard.split("[/\\\\]")) {
            unsafe |= part.equals("..");
        }
        if (!unsafe) {
            Path dir = index.toAbsolutePath().getParent();
            unsafe = dir != null && !dir.resolve(shard).normalize().startsWith(dir.normalize());
        }
        if (unsafe) {
            throw new CheckpointFormatException(index, Category.UNSAFE, "shard file name '" + shard
                    + "' points outside the index's folder; refusing to follow it");
        }
    }

    private static CheckpointFormatException malformed(Path file, String problem) {
        return new CheckpointFormatException(file, Category.MALFORMED_HEADER, problem);
    }
}
