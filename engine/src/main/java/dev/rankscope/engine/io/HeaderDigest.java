package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The provenance hash written into analyses and plans (SPEC §5 "sha256 of header"). For
 * safetensors it is the SHA-256 of each file's raw JSON header bytes, in file order (cheap: the
 * data is not read). For other formats, which have no single header, it is the SHA-256 of a
 * canonical listing: one {@code name|dtype|shape|bytes} line per tensor plus sorted metadata.
 */
public final class HeaderDigest {
    private HeaderDigest() {
    }

    public static String sha256(TensorSource source) {
        MessageDigest md = sha();
        if (source instanceof SafetensorsSource st) {
            for (SafetensorsHeader h : st.headers()) {
                md.update(rawHeader(h));
            }
        } else {
            for (TensorInfo t : source.tensors()) {
                md.update((t.name() + "|" + t.dtype() + "|" + t.shapeString() + "|" + t.byteSize() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            for (Map.Entry<String, String> e : new TreeMap<>(source.metadata()).entrySet()) {
                md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] rawHeader(SafetensorsHeader h) {
        try (FileChannel ch = FileChannel.open(h.file(), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate((int) h.headerLength());
            while (buf.hasRemaining() && ch.read(buf, 8 + buf.position()) >= 0) {
                // positional reads until the header is complete
            }
            return buf.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
