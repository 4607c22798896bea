package dev.rankscope.engine.cache;

import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class SpectrumCacheTest {
    @TempDir
    Path tmp;

    private final MatrixRef ref = MatrixRef.whole("model.layers.0.mlp.up_proj.weight", 3, 4);

    private Path checkpoint() throws IOException {
        Path f = tmp.resolve("model.safetensors");
        Files.write(f, new byte[] {1, 2, 3, 4});
        return f;
    }

    private Spectrum spectrum(boolean approximate) {
        return new Spectrum(ref, new double[] {3, 2, 1}, SvdMethod.GESDD, Precision.F64, approximate, 12);
    }

    @Test
    void roundTripsAnExactSpectrum() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        assertTrue(cache.get(id, ref, Precision.F64).isEmpty());
        assertTrue(cache.put(id, spectrum(false)));
        Spectrum back = cache.get(id, ref, Precision.F64).orElseThrow();
        assertArrayEquals(new double[] {3, 2, 1}, back.sigma());
        assertEquals(SvdMethod.GESDD, back.method());
        assertEquals(12, back.millis());
        assertTrue(cache.sizeBytes() > 0);
    }

    @Test
    void missesWhenPrecisionOrEngineVersionDiffer() throws IOException {
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        new SpectrumCache(tmp.resolve("cache"), "test-1").put(id, spectrum(false));
        assertTrue(new SpectrumCache(tmp.resolve("cache"), "test-1").get(id, ref, Precision.F32).isEmpty());
        assertTrue(new SpectrumCache(tmp.resolve("cache"), "test-2").get(id, ref, Precision.F64).isEmpty());
    }

    @Test
    void changedFileInvalidatesEntries() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        Path f = checkpoint();
        cache.put(FileIdentity.of(List.of(f)), spectrum(false));
        Files.setLastModifiedTime(f, FileTime.fromMillis(Files.getLastModifiedTime(f).toMillis() + 5000));
        assertTrue(cache.get(FileIdentity.of(List.of(f)), ref, Precision.F64).isEmpty());
    }

    @Test
    void neverCachesApproximateSpectra() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        assertFalse(cache.put(id, spectrum(true)));
        assertTrue(cache.get(id, ref, Precision.F64).isEmpty());
    }

    @Test
    void corruptOrTruncatedEntryIsAMissAndIsRemoved() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        cache.put(id, spectrum(false));
        Path entry;
        try (Stream<Path> s = Files.walk(cache.dir())) {
            entry = s.filter(p -> p.toString().endsWith(".spec")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(entry);
        Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length - 5)); // a half-written entry
        assertTrue(cache.get(id, ref, Precision.F64).isEmpty());
        assertFalse(Files.exists(entry));
    }

    @Test
    void clearEmptiesTheFolder() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        cache.put(id, spectrum(false));
        cache.clear();
        assertEquals(0, cache.sizeBytes());
        assertTrue(cache.get(id, ref, Precision.F64).isEmpty());
    }

    private static Path onlyEntry(SpectrumCache cache) throws IOException {
        try (Stream<Path> s = Files.walk(cache.dir())) {
            return s.filter(p -> p.toString().endsWith(".spec")).findFirst().orElseThrow();
        }
    }

    private record Stored(SpectrumCache cache, FileIdentity id, Path entry) { }

    /** A cache reporting to {@code notes}, holding the spectrum of {@link #ref}. */
    private Stored stored(List<String> notes) throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1", SpectrumCache.DEFAULT_MAX_BYTES, notes::add);
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        cache.put(id, spectrum(false));
        return new Stored(cache, id, onlyEntry(cache));
    }

    /**
     * A cache reporting to {@code notes} whose one entry was changed on disk by {@code change}: the
     * entry is not served and is deleted.
     */
    private Stored changedOnDisk(List<String> notes, java.util.function.Consumer<byte[]> change) throws IOException {
        Stored st = stored(notes);
        byte[] bytes = Files.readAllBytes(st.entry());
        change.accept(bytes);
        Files.write(st.entry(), bytes);
        assertTrue(st.cache().get(st.id(), ref, Precision.F64).isEmpty());
        assertFalse(Files.exists(st.entry()));
        return st;
    }

    @Test
    void aFlippedBitInTheValuesIsDetectedByTheChecksumDeletedAndNoted() throws IOException {
        List<String> notes = new java.util.ArrayList<>();
        // the first singular value's exponent: 3.0 becomes 3.0 * 2^256, still a valid descending spectrum
        Stored st = changedOnDisk(notes, bytes -> bytes[bytes.length - 8 - 3 * 8] ^= 0x10);
        assertEquals(List.of("cache entry for model.layers.0.mlp.up_proj.weight was damaged (checksum mismatch); recomputed"), notes);
        // a later put serves the recomputed spectrum again
        st.cache().put(st.id(), spectrum(false));
        assertArrayEquals(new double[] {3, 2, 1}, st.cache().get(st.id(), ref, Precision.F64).orElseThrow().sigma());
    }

    @Test
    void everyByteOfAnEntryIsCovered() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        cache.put(id, spectrum(false));
        Path entry = onlyEntry(cache);
        byte[] good = Files.readAllBytes(entry);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            Files.write(entry, bad);
            assertTrue(cache.get(id, ref, Precision.F64).isEmpty(), "byte " + i + " flipped was served");
            assertFalse(Files.exists(entry), "byte " + i);
        }
    }

    /** Entries with a valid checksum but values no SVD returns: NaN, negative, increasing, too few, too many. */
    @Test
    void invalidValuesWithAValidChecksumAreDamagedEntries() throws IOException {
        double[][] invalid = {{3, Double.NaN, 1}, {3, 2, -1}, {1, 2, 3}, {3, 2}, {3, 2, 1, 0}, {Double.POSITIVE_INFINITY, 2, 1}};
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        for (double[] sigma : invalid) {
            List<String> notes = new java.util.ArrayList<>();
            SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1", SpectrumCache.DEFAULT_MAX_BYTES, notes::add);
            cache.put(id, spectrum(false));
            Path entry = onlyEntry(cache);
            Files.write(entry, SpectrumCacheForgery.forge(Files.readAllBytes(entry), sigma));
            assertTrue(cache.get(id, ref, Precision.F64).isEmpty(), java.util.Arrays.toString(sigma));
            assertFalse(Files.exists(entry));
            assertEquals(1, notes.size(), java.util.Arrays.toString(sigma));
            assertTrue(notes.get(0).startsWith("cache entry for model.layers.0.mlp.up_proj.weight was damaged ("), notes.get(0));
            assertTrue(notes.get(0).endsWith("); recomputed"), notes.get(0));
        }
    }

    @Test
    void invalidSpectraAreNeverWritten() throws IOException {
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        assertFalse(cache.put(id, new Spectrum(ref, new double[] {3, Double.NaN, 1}, SvdMethod.GESDD, Precision.F64, false, 1)));
        assertFalse(cache.put(id, new Spectrum(ref, new double[] {1, 2, 3}, SvdMethod.GESDD, Precision.F64, false, 1)));
        assertEquals(0, cache.sizeBytes());
    }

    @Test
    void anEntryOfTheOlderFormatIsReplacedSilently() throws IOException {
        List<String> notes = new java.util.ArrayList<>();
        changedOnDisk(notes, bytes -> bytes[7] = 1); // format version 1
        assertEquals(List.of(), notes);
    }

    @Test
    void evictsTheLeastRecentlyUsedEntriesBeyondTheLimit() throws IOException {
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        SpectrumCache probe = new SpectrumCache(tmp.resolve("probe"), "test-1");
        probe.put(id, spectrum(false));
        long entryBytes = probe.sizeBytes();
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1", entryBytes * 10, note -> { });
        List<MatrixRef> refs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MatrixRef r = MatrixRef.whole("m" + i + ".weight", 3, 4);
            refs.add(r);
            assertTrue(cache.put(id, new Spectrum(r, new double[] {3, 2, 1}, SvdMethod.GESDD, Precision.F64, false, 1)));
        }
        // age every entry, then use m0 so that it is the most recently used
        try (Stream<Path> s = Files.walk(cache.dir())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
            }
        }
        assertTrue(cache.get(id, refs.get(0), Precision.F64).isPresent());
        MatrixRef extra = MatrixRef.whole("m10.weight", 3, 4);
        assertTrue(cache.put(id, new Spectrum(extra, new double[] {3, 2, 1}, SvdMethod.GESDD, Precision.F64, false, 1)));
        assertTrue(cache.sizeBytes() <= entryBytes * 9, "evicted to 90 % of the limit: " + cache.sizeBytes());
        assertTrue(cache.get(id, refs.get(0), Precision.F64).isPresent(), "the recently used entry stays");
        assertTrue(cache.get(id, extra, Precision.F64).isPresent(), "the new entry stays");
        long kept = refs.stream().filter(r -> cache.get(id, r, Precision.F64).isPresent()).count();
        assertTrue(kept < 10, "some old entries were evicted");
    }

    @Test
    void trimAppliesALoweredLimitAtOnceKeepingTheRecentlyUsed() throws IOException {
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        SpectrumCache big = new SpectrumCache(tmp.resolve("cache"), "test-1");
        List<MatrixRef> refs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            MatrixRef r = MatrixRef.whole("m" + i + ".weight", 3, 4);
            refs.add(r);
            assertTrue(big.put(id, new Spectrum(r, new double[] {3, 2, 1}, SvdMethod.GESDD, Precision.F64, false, 1)));
        }
        long entryBytes = big.sizeBytes() / 10;
        try (Stream<Path> s = Files.walk(big.dir())) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
            }
        }
        assertTrue(big.get(id, refs.get(7), Precision.F64).isPresent());
        big.trim();
        assertEquals(entryBytes * 10, big.sizeBytes(), "under its limit: nothing deleted");

        SpectrumCache small = new SpectrumCache(tmp.resolve("cache"), "test-1", entryBytes * 4, note -> { });
        small.trim();
        assertTrue(small.sizeBytes() <= entryBytes * 4 * 0.9, "trimmed to 90 % of the lowered limit: " + small.sizeBytes());
        assertTrue(small.get(id, refs.get(7), Precision.F64).isPresent(), "the recently used entry stays");
        new SpectrumCache(tmp.resolve("absent"), "test-1", 1, note -> { }).trim();
        assertFalse(Files.exists(tmp.resolve("absent")), "trimming creates no folder");
    }

    @Test
    void staleTemporaryEntriesOfDeadWritersAreRemovedByTheNextWriter() throws Exception {
        FileIdentity id = FileIdentity.of(List.of(checkpoint()));
        SpectrumCache cache = new SpectrumCache(tmp.resolve("cache"), "test-1");
        cache.put(id, spectrum(false));
        Path sub = onlyEntry(cache).getParent();
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path stale = Files.writeString(sub.resolve(".entry." + dead.pid() + "-0.abc.tmp"), "half");
        Path legacyOld = Files.writeString(sub.resolve(".entry123456789.tmp"), "half");
        Files.setLastModifiedTime(legacyOld, FileTime.fromMillis(System.currentTimeMillis() - 2 * 3_600_000));
        Path live = Files.writeString(sub.resolve(".entry." + dev.rankscope.engine.io.TempFiles.owner() + ".xyz.tmp"), "mine");
        new SpectrumCache(tmp.resolve("cache"), "test-1").put(id, new Spectrum(MatrixRef.whole("other.weight", 3, 4),
                new double[] {3, 2, 1}, SvdMethod.GESDD, Precision.F64, false, 1));
        assertFalse(Files.exists(stale));
        assertFalse(Files.exists(legacyOld));
        assertTrue(Files.exists(live), "a live writer's temporary file is never touched");
    }

    @Test
    void parsesSizes() {
        assertEquals(2L << 30, SpectrumCache.parseSize("2G"));
        assertEquals(500L << 20, SpectrumCache.parseSize("500M"));
        assertEquals(500L << 20, SpectrumCache.parseSize("500 MB"));
        assertEquals(1536L << 20, SpectrumCache.parseSize("1.5GiB"));
        assertEquals(4096, SpectrumCache.parseSize("4096"));
        assertThrows(IllegalArgumentException.class, () -> SpectrumCache.parseSize("lots"));
        assertThrows(IllegalArgumentException.class, () -> SpectrumCache.parseSize("0"));
        assertEquals("2.0 GB", SpectrumCache.formatSize(2L << 30));
    }
}
