package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The provenance hash written into analyses and plans (SPEC §5 "sha256 of header"). For a single
 * safetensors file it is the SHA-256 of its raw JSON header bytes ({@link SafetensorsHeader#headerSha256()});
 * for a sharded one, the SHA-256 of the shards' header hashes in file order. Formats without one
 * header get the SHA-256 of a canonical listing: one {@code name|dtype|shape|bytes} line per tensor
 * plus sorted metadata. No tensor data is read.
 */
public final class HeaderDigest {
    private HeaderDigest() {
    }

    public static String sha256(TensorSource source) {
        if (source instanceof SafetensorsHeaders st) {
            List<SafetensorsHeader> headers = st.headers();
            if (headers.size() == 1) {
                return headers.get(0).headerSha256();
            }
            MessageDigest md = sha();
            for (SafetensorsHeader h : headers) {
                md.update(h.headerSha256().getBytes(StandardCharsets.US_ASCII));
            }
            return HexFormat.of().formatHex(md.digest());
        }
        MessageDigest md = sha();
        for (TensorInfo t : source.tensors()) {
            md.update((t.name() + "|" + t.dtype() + "|" + t.shapeString() + "|" + t.byteSize() + "\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        for (Map.Entry<String, String> e : new TreeMap<>(source.metadata()).entrySet()) {
            md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
