package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.engine.io.SafetensorsHeader;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Provenance of a plan's checkpoint (SPEC §5 {@code "source": {path, sha256 of header, tensor
 * count}}). For safetensors the hash covers the header JSON bytes (the N bytes after the length
 * prefix) of every file in shard order, so it identifies the tensor layout without reading
 * weights; other formats get an empty hash.
 */
public final class PlanSources {
    private PlanSources() {
    }

    /** The provenance of an opened checkpoint. Reads only the headers. */
    public static PlanSource of(TensorSource source) {
        return new PlanSource(source.path().toString(), headerSha256(source), source.tensors().size());
    }

    /** Hex SHA-256 of the safetensors header bytes, or "" for other formats. */
    public static String headerSha256(TensorSource source) {
        if (!(source instanceof SafetensorsSource s)) {
            return "";
        }
        MessageDigest sha = sha256();
        for (SafetensorsHeader h : s.headers()) {
            try (FileChannel ch = FileChannel.open(h.file(), StandardOpenOption.READ)) {
                long left = h.headerLength();
                long pos = 8;
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                while (left > 0) {
                    buf.clear();
                    buf.limit((int) Math.min(buf.capacity(), left));
                    int r = ch.read(buf, pos);
                    if (r < 0) {
                        throw new IOException("unexpected end of file");
                    }
                    buf.flip();
                    sha.update(buf);
                    pos += r;
                    left -= r;
                }
            } catch (IOException e) {
                throw new CheckpointFormatException(h.file(), CheckpointFormatException.Category.IO,
                        "header cannot be read again (" + e.getMessage() + ")", e);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Whether a (re-imported) plan was made for this checkpoint: same tensor count and, when both
     * are known, the same header hash. Paths may differ (the model may have moved).
     */
    public static boolean matches(Plan plan, TensorSource source) {
        PlanSource ps = plan.source();
        if (ps.tensorCount() != 0 && ps.tensorCount() != source.tensors().size()) {
            return false;
        }
        String hash = headerSha256(source);
        return ps.headerSha256().isEmpty() || hash.isEmpty() || ps.headerSha256().equals(hash);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }
}
