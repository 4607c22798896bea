package dev.rankscope.application.workbench;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EngineWorkbenchServices#configure}: the Settings' MP fit and {@code min_evals} reach the
 * next analysis on the real engine (the same spectra, cached, give other metrics), and the cache
 * size limit governs the running session's writes.
 */
class WorkbenchAnalysisSettingsTest {
    @TempDir
    Path tmp;

    private MatrixAnalysis analyseQ(EngineWorkbenchServices services, Path file) {
        OpenedCheckpoint cp = services.open(file);
        try {
            QuickPassTaskTest.Collect sink = new QuickPassTaskTest.Collect();
            services.analyze(cp, cp.matrices(), sink).run();
            assertEquals(0, sink.failures.size(), sink.failures.toString());
            return sink.results.get("model.layers.0.self_attn.q_proj.weight");
        } finally {
            cp.close();
        }
    }

    @Test
    void theNextAnalysisUsesTheConfiguredMetrics() {
        Path file = QuickPassTaskTest.lowRankPlusNoise(tmp);
        EngineWorkbenchServices services = new EngineWorkbenchServices(
                () -> Backends.select(Backends.Preference.JAVA), 1, tmp.resolve("cache"));

        MatrixAnalysis ww = analyseQ(services, file);
        assertNotNull(ww.mp(), "WeightWatcher fit by default");
        assertEquals(MarchenkoPasturFit.Method.WEIGHTWATCHER, ww.mp().method());
        assertNotNull(ww.powerLaw());

        services.configure(AnalysisSettings.defaults().withMarchenkoPastur(AnalysisParameters.MpMode.QUICK));
        assertEquals(MarchenkoPasturFit.Method.QUICK, analyseQ(services, file).mp().method());

        services.configure(AnalysisSettings.defaults().withMarchenkoPastur(AnalysisParameters.MpMode.OFF));
        assertNull(analyseQ(services, file).mp(), "MP off: no MP metrics");

        services.configure(AnalysisSettings.defaults().withMinEvals(201));
        MatrixAnalysis few = analyseQ(services, file);
        assertNull(few.powerLaw(), "200 eigenvalues < min_evals 201: no power law");
        assertNull(few.mp(), "and no MP fit");
        assertEquals(ww.spectrum().sigma()[0], few.spectrum().sigma()[0], 0.0, "the same (cached) spectrum");
    }

    @Test
    void theCacheLimitGovernsTheSessionsWrites() throws Exception {
        Path file = QuickPassTaskTest.lowRankPlusNoise(tmp);
        Path cache = tmp.resolve("cache");
        EngineWorkbenchServices services = new EngineWorkbenchServices(
                () -> Backends.select(Backends.Preference.JAVA), 1, cache);
        analyseQ(services, file);
        assertEquals(2, entries(cache), "both matrices cached under the default limit");
        new SpectrumCacheControl(cache).clear();

        services.configure(AnalysisSettings.defaults().withCacheLimit(2000));
        analyseQ(services, file);
        assertTrue(new SpectrumCacheControl(cache).sizeBytes() <= 2000,
                "a 2000-byte limit keeps at most one 200-value entry: " + new SpectrumCacheControl(cache).sizeBytes());
        assertThrows(IllegalArgumentException.class, () -> AnalysisSettings.defaults().withCacheLimit(0));
    }

    private static long entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".spec")).count();
        }
    }
}
