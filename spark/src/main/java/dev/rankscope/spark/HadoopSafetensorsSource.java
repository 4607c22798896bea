package dev.rankscope.spark;

import dev.rankscope.engine.io.FileTensorSource;
import dev.rankscope.engine.io.SafetensorsHeader;
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
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * A single-file safetensors checkpoint (SPEC §6) read through Hadoop's {@link FileSystem}: local
 * paths, {@code file:}, {@code hdfs:}, {@code s3a:} — whatever the cluster's Hadoop configuration
 * can open. The header is read and validated exactly as {@link SafetensorsHeader#read} does
 * ({@link SafetensorsHeader#parse}); tensor bytes are then fetched with positional reads
 * ({@link FSDataInputStream#readFully(long, byte[])}) of just the ranges the engine asks for and
 * decoded by the engine's {@link FileTensorSource} — never a copy of the whole file. A folder
 * opens its {@code model.safetensors}.
 *
 * <p>{@link #path()} is the local path for {@code file:} URIs and plain paths (so {@code config.json}
 * beside it is found as {@code rankscope analyze} finds it); for remote schemes it is the URI's
 * path, used only as a label. Thread-safe for concurrent reads (positional reads do not move the
 * stream); close not concurrent with reads.
 */
public final class HadoopSafetensorsSource extends FileTensorSource {
    private final Path file;
    private final FSDataInputStream in;
    private final FileStatus status;
    private final SafetensorsHeader header;

    private HadoopSafetensorsSource(java.nio.file.Path label, Path file, FSDataInputStream in, FileStatus status,
                                    SafetensorsHeader header) {
        super(label);
        this.file = file;
        this.in = in;
        this.status = status;
        this.header = header;
        for (SafetensorsHeader.Entry e : header.entries()) {
            add(e.info(), new Location(label, header.dataStart() + e.begin(), e.dtype(), ByteOrder.LITTLE_ENDIAN));
        }
    }

    /**
     * Opens {@code uri} (a file, or a folder holding {@code model.safetensors}) and validates its header.
     *
     * @throws CheckpointFormatException naming the file when it is missing, unreachable or not a valid safetensors file
     */
    public static HadoopSafetensorsSource open(String uri, Configuration conf) {
        Path path = new Path(uri);
        java.nio.file.Path label = label(path);
        FileSystem fs;
        FileStatus status;
        try {
            fs = path.getFileSystem(conf);
            status = fs.getFileStatus(path);
            if (status.isDirectory()) {
                path = new Path(path, SafetensorsSource.DEFAULT_FILE);
                label = label.resolve(SafetensorsSource.DEFAULT_FILE);
                status = fs.getFileStatus(path);
            }
        } catch (FileNotFoundException e) {
            throw new CheckpointFormatException(label, Category.IO, "file or folder not found");
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointFormatException(label, Category.IO, "cannot be reached: " + oneLine(e));
        }
        FSDataInputStream in = null;
        try {
            in = fs.open(path);
            FSDataInputStream stream = in;
            SafetensorsHeader header = SafetensorsHeader.read(label, status.getLen(), stream::readFully);
            return new HadoopSafetensorsSource(label, path, in, status, header);
        } catch (IOException e) {
            closeQuietly(in);
            throw new CheckpointFormatException(label, Category.IO, "cannot be read: " + oneLine(e), e);
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
    }

    /** The Hadoop path read (the file, also when a folder was given). */
    public Path hadoopPath() {
        return file;
    }

    /** Length and modification time when opened: the file's identity for change detection. */
    public FileStatus status() {
        return status;
    }

    /** The validated header. */
    public SafetensorsHeader header() {
        return header;
    }

    @Override
    public String format() {
        return "safetensors";
    }

    @Override
    public Map<String, String> metadata() {
        return header.metadata();
    }

    @Override
    public List<java.nio.file.Path> files() {
        return List.of(path());
    }

    /** Positional read of exactly {@code length} bytes: the stream's position is not used or moved. */
    @Override
    protected ByteBuffer read(java.nio.file.Path ignored, long position, int length) {
        byte[] bytes = new byte[length];
        try {
            in.readFully(position, bytes);
        } catch (EOFException e) {
            throw new CheckpointFormatException(path(), Category.TRUNCATED,
                    "file ends before tensor data (at byte " + position + ")", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(path(), Category.IO, "read failed: " + oneLine(e), e);
        }
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void close() {
        closeQuietly(in);
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

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void closeQuietly(FSDataInputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // read-only stream: nothing to lose
            }
        }
    }
}
