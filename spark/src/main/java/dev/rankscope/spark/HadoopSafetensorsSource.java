package dev.rankscope.spark;

import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.io.SafetensorsFileSource;
import dev.rankscope.engine.io.SafetensorsHeader;
import dev.rankscope.engine.io.SafetensorsIndex;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors checkpoint (SPEC §6) read through Hadoop's {@link FileSystem}: local paths,
 * {@code file:}, {@code hdfs:}, {@code s3a:} — whatever the cluster's Hadoop configuration can open.
 * Single files and sharded models ({@code *.safetensors.index.json} plus its shards) are validated
 * exactly as the engine's {@link SafetensorsSource} validates them ({@link SafetensorsHeader#read},
 * {@link SafetensorsIndex#parse}, {@link SafetensorsIndex#requireTensorsIn}); tensor bytes are then
 * fetched with positional reads ({@link FSDataInputStream#readFully(long, byte[])}) of just the
 * ranges the engine asks for and decoded by {@link dev.rankscope.engine.io.FileTensorSource} — never a copy of a whole file.
 *
 * <p>What opens: a file; an index file (the whole sharded model); a folder holding
 * {@code model.safetensors}, else an index ({@code model.safetensors.index.json} first), else exactly
 * one {@code *.safetensors} — the engine's folder rule. (A single shard named directly opens alone;
 * name its folder or index for the whole model.)
 *
 * <p>Identity: each file's {@code uri|length|modification time} is recorded at open
 * ({@link #identity()}); {@link #identityNow()} reads it again and {@link #verifyUnchanged} compares
 * a tensor's file, so a file rewritten during a sweep is reported, never read as the old one.
 *
 * <p>{@link #path()} is the local path for {@code file:} URIs and plain paths (so {@code config.json}
 * beside it is found as {@code rankscope analyze} finds it); for remote schemes it is the URI's
 * path, used as a label. Each file's stream is opened on its first read and kept until
 * {@link #close()}. Thread-safe for concurrent reads (positional reads do not move a stream);
 * close not concurrent with reads.
 */
public final class HadoopSafetensorsSource extends SafetensorsFileSource {
    private final FileSystem fs;
    /** Label path → Hadoop path of every file read (index first), in identity order. */
    private final Map<java.nio.file.Path, Path> files;
    private final FileIdentity openedIdentity;
    private final Map<java.nio.file.Path, FSDataInputStream> streams = new LinkedHashMap<>();

    private HadoopSafetensorsSource(java.nio.file.Path label, FileSystem fs, String format, List<SafetensorsHeader> headers,
                                    Map<String, String> metadata, Map<java.nio.file.Path, Path> files, FileIdentity identity) {
        super(label, format, headers, metadata);
        this.fs = fs;
        this.files = files;
        this.openedIdentity = identity;
    }

    /**
     * Opens {@code uri} (see the class comment for what opens) and validates every header.
     *
     * @throws CheckpointFormatException naming the file when it is missing, unreachable or not valid safetensors
     */
    public static HadoopSafetensorsSource open(String uri, Configuration conf) {
        Path path = new Path(uri);
        java.nio.file.Path label = label(path);
        try {
            FileSystem fs = path.getFileSystem(conf);
            FileStatus status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                return openFolder(fs, path, label);
            }
            if (path.getName().endsWith(SafetensorsIndex.SUFFIX)) {
                return openIndex(fs, status, label);
            }
            return openFile(fs, status, label);
        } catch (FileNotFoundException e) {
            throw new CheckpointFormatException(label, Category.IO, "file or folder not found");
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new CheckpointFormatException(label, Category.IO, "cannot be reached: " + oneLine(e));
        }
    }

    /** Whether {@code uri} names something this reader opens (a safetensors file, index or folder), without validating it. */
    static boolean isSafetensors(String uri, Configuration conf) throws IOException {
        Path path = new Path(uri);
        FileSystem fs = path.getFileSystem(conf);
        FileStatus status = fs.getFileStatus(path);
        if (status.isDirectory()) {
            return fs.exists(new Path(path, SafetensorsSource.DEFAULT_FILE)) || !indexesIn(fs, path).isEmpty()
                    || safetensorsIn(fs, path).size() == 1;
        }
        String name = path.getName();
        if (name.endsWith(SafetensorsIndex.SUFFIX) || name.endsWith(".safetensors")) {
            return true;
        }
        if (status.getLen() < 9) {
            return false;
        }
        byte[] head = new byte[9];
        try (FSDataInputStream in = fs.open(path)) {
            in.readFully(0, head);
        }
        return dev.rankscope.engine.io.SafetensorsFormat.looksLikeSafetensors(head);
    }

    private static HadoopSafetensorsSource openFolder(FileSystem fs, Path dir, java.nio.file.Path label) throws IOException {
        Path single = new Path(dir, SafetensorsSource.DEFAULT_FILE);
        if (fs.exists(single)) {
            return openFile(fs, fs.getFileStatus(single), label);
        }
        List<FileStatus> indexes = indexesIn(fs, dir);
        if (!indexes.isEmpty()) {
            HadoopSafetensorsSource s = openIndex(fs, indexes.get(0), label);
            return s;
        }
        List<FileStatus> shards = safetensorsIn(fs, dir);
        if (shards.size() == 1) {
            return openFile(fs, shards.get(0), label);
        }
        throw noModelIn(label, shards.size());
    }

    private static HadoopSafetensorsSource openFile(FileSystem fs, FileStatus file, java.nio.file.Path label) throws IOException {
        java.nio.file.Path fileLabel = label(file.getPath());
        SafetensorsHeader h = header(fs, file, fileLabel);
        Map<java.nio.file.Path, Path> files = new LinkedHashMap<>();
        files.put(fileLabel, file.getPath());
        return new HadoopSafetensorsSource(label, fs, "safetensors", List.of(h), h.metadata(), files,
                new FileIdentity(List.of(part(file))));
    }

    private static HadoopSafetensorsSource openIndex(FileSystem fs, FileStatus indexFile, java.nio.file.Path label) throws IOException {
        java.nio.file.Path indexLabel = label(indexFile.getPath());
        byte[] bytes;
        if (indexFile.getLen() > dev.rankscope.engine.io.SafetensorsHeader.MAX_HEADER_BYTES) {
            throw new CheckpointFormatException(indexLabel, Category.TOO_LARGE,
                    "index is " + indexFile.getLen() + " bytes, over the 100,000,000-byte limit");
        }
        try (FSDataInputStream in = fs.open(indexFile.getPath())) {
            bytes = new byte[(int) indexFile.getLen()];
            in.readFully(0, bytes);
        }
        SafetensorsIndex index = SafetensorsIndex.parse(indexLabel, bytes);
        Map<java.nio.file.Path, Path> files = new LinkedHashMap<>();
        files.put(indexLabel, indexFile.getPath());
        List<String> parts = new ArrayList<>(List.of(part(indexFile)));
        Path folder = indexFile.getPath().getParent();
        Shards shards = shards(index, shardName -> {
            Path shard = new Path(folder, shardName);
            java.nio.file.Path shardLabel = label(shard);
            FileStatus status;
            try {
                status = fs.getFileStatus(shard);
            } catch (FileNotFoundException e) {
                throw new CheckpointFormatException(shardLabel, Category.IO,
                        "shard listed in " + indexLabel.getFileName() + " is missing");
            }
            files.put(shardLabel, shard);
            parts.add(part(status));
            return header(fs, status, shardLabel);
        });
        return new HadoopSafetensorsSource(label, fs, SafetensorsSource.shardedFormat(shards.headers().size()),
                shards.headers(), shards.metadata(), files, new FileIdentity(parts));
    }

    private static SafetensorsHeader header(FileSystem fs, FileStatus file, java.nio.file.Path label) throws IOException {
        try (FSDataInputStream in = fs.open(file.getPath())) {
            return SafetensorsHeader.read(label, file.getLen(), in::readFully);
        }
    }

    private static List<FileStatus> indexesIn(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> out = new ArrayList<>(Arrays.stream(fs.listStatus(dir))
                .filter(s -> s.isFile() && s.getPath().getName().endsWith(SafetensorsIndex.SUFFIX)).toList());
        out.sort((a, b) -> {
            boolean da = a.getPath().getName().equals(SafetensorsIndex.DEFAULT_NAME);
            boolean db = b.getPath().getName().equals(SafetensorsIndex.DEFAULT_NAME);
            return da != db ? (da ? -1 : 1) : a.getPath().getName().compareTo(b.getPath().getName());
        });
        return out;
    }

    private static List<FileStatus> safetensorsIn(FileSystem fs, Path dir) throws IOException {
        return Arrays.stream(fs.listStatus(dir)).filter(s -> s.isFile() && s.getPath().getName().endsWith(".safetensors"))
                .sorted((a, b) -> a.getPath().getName().compareTo(b.getPath().getName())).toList();
    }

    /** One file's identity part: {@code uri|length|modification time (ms)}. */
    private static String part(FileStatus s) {
        return s.getPath().toUri() + "|" + s.getLen() + "|" + s.getModificationTime();
    }

    /** The files read (labels): the single file, or the index followed by every shard. */
    @Override
    public List<java.nio.file.Path> files() {
        return List.copyOf(files.keySet());
    }

    /** Every file's {@code uri|length|modification time} as it was when this source was opened. */
    @Override
    public FileIdentity identity() {
        return openedIdentity;
    }

    /**
     * Every file's {@code uri|length|modification time} now.
     *
     * @throws CheckpointFormatException naming the file when it is gone or cannot be reached
     */
    public FileIdentity identityNow() {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<java.nio.file.Path, Path> f : files.entrySet()) {
            parts.add(part(status(f.getKey(), f.getValue())));
        }
        return new FileIdentity(parts);
    }

    /** Checks the file holding {@code name} against its identity at open. */
    @Override
    public void verifyUnchanged(String name) {
        java.nio.file.Path label = location(name).file();
        int i = new ArrayList<>(files.keySet()).indexOf(label);
        String now = part(status(label, files.get(label)));
        if (!openedIdentity.parts().get(i).equals(now)) {
            throw new CheckpointFormatException(label, Category.CHANGED, "was rewritten or replaced while it was being read; "
                    + "the matrices it holds were not analysed (run again once the file is complete)");
        }
    }

    private FileStatus status(java.nio.file.Path label, Path file) {
        try {
            return fs.getFileStatus(file);
        } catch (FileNotFoundException e) {
            throw new CheckpointFormatException(label, Category.CHANGED, "was removed while it was being read");
        } catch (IOException e) {
            throw new CheckpointFormatException(label, Category.IO, "cannot be reached: " + oneLine(e), e);
        }
    }

    /** Positional read of exactly {@code length} bytes of {@code file}: no stream's position is used or moved. */
    @Override
    protected ByteBuffer read(java.nio.file.Path file, long position, int length) {
        byte[] bytes = new byte[length];
        try {
            stream(file).readFully(position, bytes);
        } catch (EOFException e) {
            throw new CheckpointFormatException(file, Category.TRUNCATED,
                    "file ends before tensor data (at byte " + position + ")", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "read failed: " + oneLine(e), e);
        }
        return ByteBuffer.wrap(bytes);
    }

    private synchronized FSDataInputStream stream(java.nio.file.Path file) throws IOException {
        FSDataInputStream in = streams.get(file);
        if (in == null) {
            in = fs.open(files.get(file));
            streams.put(file, in);
        }
        return in;
    }

    @Override
    public synchronized void close() {
        for (FSDataInputStream in : streams.values()) {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
        streams.clear();
        super.close();
    }

    /** The local path of a {@code file:} URI or plain path; the URI's path otherwise. */
    static java.nio.file.Path label(Path path) {
        URI uri = path.toUri();
        if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
            return java.nio.file.Path.of(uri.getPath());
        }
        return java.nio.file.Path.of(uri.getPath().isEmpty() ? "/" : uri.getPath());
    }

    static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
