package dev.rankscope.engine.cache;

import dev.rankscope.engine.io.TempFiles;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * On-disk cache of exact spectra, so reopening a checkpoint shows every spectrum at once.
 *
 * <p><b>Keys.</b> An entry is keyed by the checkpoint's {@link FileIdentity} (files, sizes,
 * modification times, file keys), the matrix id and shape, the precision and the engine's version
 * string; changing any of them is a miss.
 *
 * <p><b>Entry format</b> ({@link #FORMAT_VERSION} 2), big-endian: magic {@code "RSPC"}, format
 * version, key (modified UTF-8), method name, compute milliseconds, n, n float64 singular values,
 * then a CRC-32C of every preceding byte. An entry is served only when its checksum matches,
 * it belongs to its key, and its values form a valid exact spectrum of the matrix (n equals
 * {@code min(m, n)}, every value finite and ≥ 0, non-increasing). Any other entry is
 * <em>damaged</em>: it is deleted, the lookup is a miss (so the caller recomputes), and the
 * {@code notes} sink receives one line "cache entry for ID was damaged (why); recomputed".
 * Entries of an older format version are deleted silently.
 *
 * <p><b>Writes.</b> Entries are written to a temporary file in the cache folder (named by
 * {@link TempFiles}: {@code .entry.<pid>-<start>.<random>.tmp}) and renamed into place, so a
 * cancelled or crashed run never leaves a half-written entry that could be served; temporary
 * files a killed process left are removed by the next process that writes to the cache.
 *
 * <p><b>Size.</b> The cache holds at most {@code maxBytes} (default {@link #DEFAULT_MAX_BYTES}):
 * when a write takes it over the limit, the least recently used entries (a hit refreshes an
 * entry's modification time) are deleted until it is under 90 % of the limit. The running size
 * is estimated in memory from one scan per instance, so other processes' writes are counted at
 * the next scan.
 *
 * <p>Approximate (randomised) spectra are never cached. Thread-safe: concurrent {@link #put} of
 * the same key is harmless (last rename wins, both complete).
 */
public final class SpectrumCache {
    /** Bumped whenever the entry layout or the meaning of a cached spectrum changes. */
    public static final int FORMAT_VERSION = 2;
    /** Default size limit: 2 GiB. */
    public static final long DEFAULT_MAX_BYTES = 2L << 30;
    private static final int MAGIC = 0x52535043; // "RSPC"
    private static final String TEMP_PREFIX = ".entry.";
    private static final String TEMP_SUFFIX = ".tmp";
    /** Temporary entries of format 1 ({@code Files.createTempFile(".entry", ".tmp")}). */
    private static final Pattern LEGACY_TEMP = Pattern.compile("\\.entry\\d+\\.tmp");
    private static final double EVICT_TO = 0.9;

    private final Path dir;
    private final String engineVersion;
    private final long maxBytes;
    private final Consumer<String> notes;
    /** Bytes in the cache as last scanned plus what this instance wrote since; -1 before the first scan. */
    private final AtomicLong knownBytes = new AtomicLong(-1);

    /**
     * A cache with the default size limit that reports damaged entries nowhere.
     *
     * @param dir           folder holding the cache (created on first write)
     * @param engineVersion identifies the code that computed the spectra (tool version + backend);
     *                      entries from another version are misses
     */
    public SpectrumCache(Path dir, String engineVersion) {
        this(dir, engineVersion, DEFAULT_MAX_BYTES, note -> { });
    }

    /**
     * @param maxBytes size limit (&gt; 0), enforced by least-recently-used eviction
     * @param notes    receives one line per damaged entry found (any thread that calls {@link #get})
     */
    public SpectrumCache(Path dir, String engineVersion, long maxBytes, Consumer<String> notes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("cache size limit must be positive, got " + maxBytes);
        }
        this.dir = dir;
        this.engineVersion = engineVersion;
        this.maxBytes = maxBytes;
        this.notes = notes;
    }

    /** Environment variable holding the cache size limit, e.g. {@code 4G} (else {@link #DEFAULT_MAX_BYTES}). */
    public static final String LIMIT_ENV = "RANKSCOPE_CACHE_LIMIT";

    /**
     * The size limit configured for this process: {@code $RANKSCOPE_CACHE_LIMIT} when set and
     * valid (see {@link #parseSize}), else {@link #DEFAULT_MAX_BYTES}. Front ends with their own
     * setting (CLI {@code --cache-limit}, workbench Settings) pass theirs instead.
     */
    public static long configuredLimit() {
        String env = System.getenv(LIMIT_ENV);
        if (env == null || env.isBlank()) {
            return DEFAULT_MAX_BYTES;
        }
        try {
            return parseSize(env);
        } catch (IllegalArgumentException e) {
            return DEFAULT_MAX_BYTES;
        }
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

    /** The size limit in bytes. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Parses a size such as {@code 2G}, {@code 500M}, {@code 750MB}, {@code 1.5GiB} or a plain byte
     * count (binary units: K = 1024).
     *
     * @throws IllegalArgumentException with a one-line reason when the text is not a positive size
     */
    public static long parseSize(String text) {
        Matcher m = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?\\s*")
                .matcher(text == null ? "" : text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size such as 2G, 500M or 1048576");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
        if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is not a positive size");
        }
        return (long) bytes;
    }

    /** {@code 2.0 GB}-style text for a byte count (binary units), the inverse of {@link #parseSize} up to rounding. */
    public static String formatSize(long bytes) {
        return MemoryBudget.bytes(bytes);
    }

    /**
     * The cached exact spectrum of {@code ref}, or empty on a miss. Never throws for a bad entry:
     * a damaged one is deleted and reported to the notes sink.
     */
    public Optional<Spectrum> get(FileIdentity identity, MatrixRef ref, Precision precision) {
        String key = key(identity, ref, precision);
        Path file = entryPath(key);
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > maxEntryBytes(ref)) {
                return damaged(file, ref, "larger than any entry for this matrix");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException miss) {
            return Optional.empty();
        } catch (IOException unreadable) {
            return damaged(file, ref, "unreadable: " + unreadable.getMessage());
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            if (in.getInt() != MAGIC) {
                return damaged(file, ref, "not a cache entry");
            }
            int version = in.getInt();
            if (version != FORMAT_VERSION) {
                deleteQuietly(file); // another format: replaced silently, nothing was wrong with it
                return Optional.empty();
            }
            if (bytes.length < 16) {
                return damaged(file, ref, "truncated");
            }
            CRC32C crc = new CRC32C();
            crc.update(bytes, 0, bytes.length - 8);
            if (ByteBuffer.wrap(bytes, bytes.length - 8, 8).getLong() != crc.getValue()) {
                return damaged(file, ref, "checksum mismatch");
            }
            if (!readUtf(in).equals(key)) {
                return damaged(file, ref, "belongs to another matrix");
            }
            SvdMethod method = SvdMethod.valueOf(readUtf(in));
            long millis = in.getLong();
            int n = in.getInt();
            if (n != ref.sigmaCount() || in.remaining() != 8L * n + 8) {
                return damaged(file, ref, n + " values for a " + ref.shapeString() + " matrix");
            }
            double[] sigma = new double[n];
            for (int i = 0; i < n; i++) {
                sigma[i] = in.getDouble();
            }
            String invalid = invalidValues(sigma);
            if (invalid != null) {
                return damaged(file, ref, invalid);
            }
            touch(file);
            return Optional.of(new Spectrum(ref, sigma, method, precision, false, millis));
        } catch (RuntimeException truncatedOrBad) {
            return damaged(file, ref, "truncated or malformed");
        }
    }

    /**
     * Why {@code sigma} is not a valid exact spectrum (a value NaN, infinite or negative, or an
     * increase), or null when it is one.
     */
    static String invalidValues(double[] sigma) {
        for (int i = 0; i < sigma.length; i++) {
            if (!(sigma[i] >= 0) || Double.isInfinite(sigma[i])) {
                return "singular value " + (i + 1) + " is " + sigma[i];
            }
            if (i > 0 && sigma[i] > sigma[i - 1]) {
                return "singular values increase at index " + i;
            }
        }
        return null;
    }

    /**
     * Stores an exact spectrum. Approximate spectra and invalid ones (see {@link #get}) are
     * ignored. Failures to write (disk full, read-only folder) are swallowed: the cache is an
     * optimisation, never a reason to fail a run.
     *
     * @return true when the entry was written
     */
    public boolean put(FileIdentity identity, Spectrum spectrum) {
        double[] sigma = spectrum.sigma();
        if (spectrum.approximate() || sigma.length != spectrum.ref().sigmaCount() || invalidValues(sigma) != null) {
            return false;
        }
        String key = key(identity, spectrum.ref(), spectrum.precision());
        Path file = entryPath(key);
        Path tmp = null;
        try {
            Files.createDirectories(file.getParent());
            if (knownBytes.get() < 0) {
                scan(true);
            }
            byte[] bytes = encode(key, spectrum, sigma);
            tmp = TempFiles.create(file.getParent(), TEMP_PREFIX, TEMP_SUFFIX);
            Files.write(tmp, bytes);
            TempFiles.commit(tmp, file);
            tmp = null;
            if (knownBytes.addAndGet(bytes.length) > maxBytes) {
                evict();
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            if (tmp != null) {
                TempFiles.discard(tmp);
            }
        }
    }

    private static byte[] encode(String key, Spectrum spectrum, double[] sigma) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + key.length() + 8 * sigma.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeUTF(key);
            out.writeUTF(spectrum.method().name());
            out.writeLong(spectrum.millis());
            out.writeInt(sigma.length);
            for (double s : sigma) {
                out.writeDouble(s);
            }
            CRC32C crc = new CRC32C();
            byte[] body = bytes.toByteArray();
            crc.update(body, 0, body.length);
            out.writeLong(crc.getValue());
        }
        return bytes.toByteArray();
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
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** Deletes every entry (and stray temporary files). */
    public void clear() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        knownBytes.set(-1);
    }

    /**
     * Applies the size limit now: when the folder holds more than {@link #maxBytes()}, the least
     * recently used entries are deleted as after a write (settings lower the limit of a running
     * session through here). Touches the disk: call it off the UI thread.
     */
    public void trim() {
        if (Files.isDirectory(dir)) {
            evict();
        }
    }

    /**
     * Deletes least recently used entries until the cache is under {@value #EVICT_TO} of its
     * limit. Runs on the writing thread; concurrent evictions are serialised.
     */
    private synchronized void evict() {
        List<Entry> entries = scan(false);
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        if (total > maxBytes) {
            entries.sort(Comparator.comparing(Entry::lastUsed));
            long target = (long) (maxBytes * EVICT_TO);
            for (Entry e : entries) {
                if (total <= target) {
                    break;
                }
                if (deleteQuietly(e.file())) {
                    total -= e.bytes();
                }
            }
        }
        knownBytes.set(total);
    }

    private record Entry(Path file, long bytes, FileTime lastUsed) { }

    /**
     * Lists the entries (and, when {@code removeStale}, deletes temporary files killed processes
     * left), and records their total size as {@link #knownBytes}.
     */
    private synchronized List<Entry> scan(boolean removeStale) {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> subs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path sub : subs) {
                if (removeStale) {
                    TempFiles.removeStale(sub, TEMP_SUFFIX, LEGACY_TEMP);
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(sub, "*.spec")) {
                    for (Path f : files) {
                        try {
                            BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                            entries.add(new Entry(f, a.size(), a.lastModifiedTime()));
                        } catch (IOException gone) {
                            // deleted meanwhile by another process
                        }
                    }
                }
            }
        } catch (IOException e) {
            // an unreadable cache folder holds nothing to count or evict
        }
        knownBytes.set(entries.stream().mapToLong(Entry::bytes).sum());
        return entries;
    }

    private Optional<Spectrum> damaged(Path file, MatrixRef ref, String why) {
        deleteQuietly(file);
        notes.accept("cache entry for " + ref.id() + " was damaged (" + why + "); recomputed");
        return Optional.empty();
    }

    /** Upper bound of an entry's size for {@code ref}: header, key, method and the values. */
    private static long maxEntryBytes(MatrixRef ref) {
        return 4096 + 8L * ref.sigmaCount();
    }

    private static String readUtf(ByteBuffer in) {
        int len = Short.toUnsignedInt(in.getShort());
        byte[] b = new byte[len];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8); // keys and method names are ASCII
    }

    private static void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException e) {
            // a read-only cache still serves hits; eviction order is then by write time
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

    private static boolean deleteQuietly(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a damaged entry we cannot delete is still never served: it fails validation again
            return false;
        }
    }
}
