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
}
