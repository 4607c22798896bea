package dev.rankscope.engine.cache;

import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * On-disk cache of exact spectra, so reopening a checkpoint shows every spectrum at once.
 *
 * <p>An entry is keyed by the checkpoint's {@link FileIdentity} (files, sizes, modification
 * times), the matrix id and shape, the precision and {@link #FORMAT_VERSION} plus the engine's
 * version string; changing any of them is a miss. Entries are written to a temporary file in the
 * cache folder and moved into place atomically, so a cancelled or crashed run never leaves a
 * half-written entry that could be served later; an unreadable or mismatching entry is treated
 * as a miss and deleted. Approximate (randomised) spectra are never cached.
 *
 * <p>Thread-safe: concurrent {@link #put} of the same key is harmless (last move wins, both
 * complete).
 */
public final class SpectrumCache {
    /** Bumped whenever the entry layout or the meaning of a cached spectrum changes. */
    public static final int FORMAT_VERSION = 1;
    private static final int MAGIC = 0x52535043; // "RSPC"

    private final Path dir;
    private final String engineVersion;

    /**
     * @param dir           folder holding the cache (created on first write)
     * @param engineVersion identifies the code that computed the spectra (tool version + backend);
     *                      entries from another version are misses
     */
    public SpectrumCache(Path dir, String engineVersion) {
        this.dir = dir;
        this.engineVersion = engineVersion;
    }

    /** {@code $XDG_CACHE_HOME/rankscope/spectra}, else {@code ~/.cache/rankscope/spectra}. */
    public static Path defaultDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("rankscope").resolve("spectra");
    }

    public Path dir() {
        return dir;
    }

    /** The cached exact spectrum of {@code ref}, or empty on a miss. Never throws for a bad entry. */
    public Optional<Spectrum> get(FileIdentity identity, MatrixRef ref, Precision precision) {
        String key = key(identity, ref, precision);
        Path file = entryPath(key);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || in.readInt() != FORMAT_VERSION || !in.readUTF().equals(key)) {
                throw new IOException("entry does not match its key");
            }
            SvdMethod method = SvdMethod.valueOf(in.readUTF());
            long millis = in.readLong();
            int n = in.readInt();
            if (n < 0 || n > ref.sigmaCount()) {
                throw new IOException("bad length " + n);
            }
            double[] sigma = new double[n];
            for (int i = 0; i < n; i++) {
                sigma[i] = in.readDouble();
            }
            if (in.read() != -1) {
                throw new IOException("trailing bytes");
            }
            return Optional.of(new Spectrum(ref, sigma, method, precision, false, millis));
        } catch (NoSuchFileException miss) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException corrupt) {
            deleteQuietly(file);
            return Optional.empty();
        }
    }

    /**
     * Stores an exact spectrum. Approximate spectra are ignored. Failures to write (disk full,
     * read-only folder) are swallowed: the cache is an optimisation, never a reason to fail a run.
     *
     * @return true when the entry was written
     */
    public boolean put(FileIdentity identity, Spectrum spectrum) {
        if (spectrum.approximate()) {
            return false;
        }
        String key = key(identity, spectrum.ref(), spectrum.precision());
        Path file = entryPath(key);
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            tmp = Files.createTempFile(file.getParent(), ".entry", ".tmp");
            double[] sigma = spectrum.sigma();
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                out.writeInt(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeUTF(key);
                out.writeUTF(spectrum.method().name());
                out.writeLong(spectrum.millis());
                out.writeInt(sigma.length);
                for (double s : sigma) {
                    out.writeDouble(s);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return true;
        } catch (IOException e) {
            if (tmp != null) {
                deleteQuietly(tmp);
            }
            return false;
        }
    }

    /** Bytes used by the cache folder. */
    public long sizeBytes() {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Deletes every entry (and stray temporary files). */
    public void clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private String key(FileIdentity identity, MatrixRef ref, Precision precision) {
        return sha256(identity.fingerprint() + "\n" + ref + "\n" + precision + "\n" + engineVersion);
    }

    private Path entryPath(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".spec");
    }

    private static String sha256(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a stale entry we cannot delete is still never served: its content fails validation
        }
    }
}
