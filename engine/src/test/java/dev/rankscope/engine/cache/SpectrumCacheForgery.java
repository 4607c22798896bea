package dev.rankscope.engine.cache;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Rewrites a format-2 cache entry with other singular values and a correct checksum, as buggy
 * code or a hand edit could: the values are then only caught by the cache's value checks.
 */
public final class SpectrumCacheForgery {
    private SpectrumCacheForgery() {
    }

    /** The singular values stored in {@code entry} (a valid format-2 entry). */
    public static double[] values(byte[] entry) {
        ByteBuffer in = ByteBuffer.wrap(entry);
        in.position(valuesCountAt(entry));
        double[] sigma = new double[in.getInt()];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = in.getDouble();
        }
        return sigma;
    }

    /** Offset of the value count: after magic, version, key, method and milliseconds. */
    private static int valuesCountAt(byte[] entry) {
        ByteBuffer in = ByteBuffer.wrap(entry);
        in.getInt();
        in.getInt();
        in.position(in.position() + 2 + Short.toUnsignedInt(in.getShort(in.position())));
        in.position(in.position() + 2 + Short.toUnsignedInt(in.getShort(in.position())));
        in.getLong();
        return in.position();
    }

    /** {@code entry} (a valid entry) with its values replaced by {@code sigma} and the checksum recomputed. */
    public static byte[] forge(byte[] entry, double[] sigma) {
        int headerEnd = valuesCountAt(entry);
        ByteBuffer out = ByteBuffer.allocate(headerEnd + 4 + 8 * sigma.length + 8);
        out.put(entry, 0, headerEnd);
        out.putInt(sigma.length);
        for (double s : sigma) {
            out.putDouble(s);
        }
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putLong(crc.getValue());
        return out.array();
    }
}
