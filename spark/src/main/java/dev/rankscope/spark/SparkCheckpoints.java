package dev.rankscope.spark;

import dev.rankscope.engine.cache.FileIdentity;
import dev.rankscope.engine.io.HeaderDigest;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;

/**
 * How the Spark sweep opens a checkpoint, on the driver and on executors alike: safetensors (a
 * file, a sharded folder or index) through Hadoop's {@link org.apache.hadoop.fs.FileSystem} with
 * positional reads ({@link HadoopSafetensorsSource}) on any scheme — local, {@code hdfs://},
 * {@code s3a://}; every other format Rankscope opens (GGUF, PyTorch, ONNX, NumPy) through the
 * engine's own readers ({@link Checkpoints}) for local paths only, since those readers need a local
 * file. Stateless; thread-safe.
 */
final class SparkCheckpoints {

    private SparkCheckpoints() {
    }

    /**
     * Opens {@code uri}.
     *
     * @throws CheckpointFormatException one sentence naming the checkpoint: not found, unreachable,
     *                                   invalid, or a non-safetensors format on a remote file system
     */
    static TensorSource open(String uri, Configuration conf) {
        Path path = new Path(uri);
        java.nio.file.Path label = HadoopSafetensorsSource.label(path);
        String scheme = path.toUri().getScheme();
        boolean local = scheme == null || "file".equals(scheme);
        boolean safetensors;
        try {
            safetensors = HadoopSafetensorsSource.isSafetensors(uri, conf);
        } catch (FileNotFoundException e) {
            throw new CheckpointFormatException(label, Category.IO, "file or folder not found");
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            throw new CheckpointFormatException(label, Category.IO, "cannot be reached: " + HadoopSafetensorsSource.oneLine(e));
        }
        if (safetensors) {
            return HadoopSafetensorsSource.open(uri, conf);
        }
        if (local) {
            return Checkpoints.open(label);
        }
        throw new CheckpointFormatException(label, Category.UNKNOWN_FORMAT, "not safetensors; on " + scheme
                + ":// the Spark sweep reads safetensors (one file or sharded with an index); GGUF, PyTorch, ONNX and "
                + "NumPy checkpoints work from local paths");
    }

    /**
     * The identity of {@code source}'s files now, to compare with {@link TensorSource#identity()}
     * (as they were when it was opened).
     *
     * @throws CheckpointFormatException CHANGED when a file is gone
     */
    static FileIdentity identityNow(TensorSource source) {
        if (source instanceof HadoopSafetensorsSource h) {
            return h.identityNow();
        }
        try {
            return FileIdentity.of(source.files());
        } catch (IOException e) {
            throw new CheckpointFormatException(source.path(), Category.CHANGED, "was removed or cannot be examined: "
                    + HadoopSafetensorsSource.oneLine(e));
        }
    }

    /**
     * The identity string units carry and resume files record: {@code uri}, the files' identity at
     * open (path, length, modification time) and the provenance hash of the headers
     * ({@link HeaderDigest}), so a rewrite that keeps length and time still differs when its
     * header does.
     */
    static String identity(String uri, TensorSource source) {
        return uri + "\n" + source.identity().fingerprint() + "\n" + HeaderDigest.sha256(source);
    }
}
