package dev.rankscope.views.service;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.QuickPreview;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreferencesSettingsStoreTest {
    final Preferences node = Preferences.userRoot().node("dev/rankscope/test-" + UUID.randomUUID());

    @AfterEach
    void cleanUp() throws BackingStoreException {
        node.removeNode();
    }

    @Test
    void roundTripsRecentFilesThemeAndLayout() {
        PreferencesSettingsStore store = new PreferencesSettingsStore(node);
        assertEquals(List.of(), store.recentFiles());
        assertEquals(Theme.LIGHT, store.theme());
        assertTrue(store.windowLayout().isEmpty());
        store.setRecentFiles(List.of(Path.of("/a"), Path.of("/b c")));
        store.setTheme(Theme.DARK);
        WindowLayout layout = new WindowLayout(10, 20, 1000, 700, false, 0.3, 0.7);
        store.setWindowLayout(layout);
        PreferencesSettingsStore reread = new PreferencesSettingsStore(node);
        assertEquals(List.of(Path.of("/a"), Path.of("/b c")), reread.recentFiles());
        assertEquals(Theme.DARK, reread.theme());
        assertEquals(layout, reread.windowLayout().orElseThrow());
        store.setRecentFiles(List.of(Path.of("/z")));
        assertEquals(List.of(Path.of("/z")), reread.recentFiles(), "shorter lists remove old entries");
    }

    @Test
    void badValuesFallBackToDefaults() {
        node.put("theme", "PURPLE");
        node.putDouble("window.width", 800);
        node.putDouble("window.height", 600);
        node.putDouble("window.leftDivider", 7);
        PreferencesSettingsStore store = new PreferencesSettingsStore(node);
        assertEquals(Theme.LIGHT, store.theme());
        assertTrue(store.windowLayout().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new WindowLayout(0, 0, 0, 10, false, 0.2, 0.8));
    }

    @Test
    void quickPreviewEngineAndThreadsRoundTripWithDefaultsAndJunkTolerated() {
        PreferencesSettingsStore store = new PreferencesSettingsStore(node);
        assertEquals(QuickPreview.LARGE_CHECKPOINTS, store.quickPreview());
        assertEquals(dev.rankscope.engine.linalg.Backends.Preference.AUTO, store.enginePreference());
        assertEquals(0, store.workerThreads());
        store.setQuickPreview(QuickPreview.OFF);
        store.setEnginePreference(dev.rankscope.engine.linalg.Backends.Preference.JAVA);
        store.setWorkerThreads(6);
        PreferencesSettingsStore again = new PreferencesSettingsStore(node);
        assertEquals(QuickPreview.OFF, again.quickPreview());
        assertEquals(dev.rankscope.engine.linalg.Backends.Preference.JAVA, again.enginePreference());
        assertEquals(6, again.workerThreads());
        node.put("quickPreview", "SOMETIMES");
        node.put("engine", "gpu");
        node.putInt("workerThreads", -4);
        assertEquals(QuickPreview.LARGE_CHECKPOINTS, again.quickPreview());
        assertEquals(dev.rankscope.engine.linalg.Backends.Preference.AUTO, again.enginePreference());
        assertEquals(0, again.workerThreads());
    }

    @Test
    void analysisSettingsRoundTripWithDefaultsAndJunkTolerated() {
        PreferencesSettingsStore store = new PreferencesSettingsStore(node);
        assertEquals(AnalysisSettings.defaults(), store.analysisSettings());
        AnalysisSettings chosen = AnalysisSettings.defaults().withMarchenkoPastur(AnalysisParameters.MpMode.GRID)
                .withMinEvals(3).withCacheLimit(700L << 20);
        store.setAnalysisSettings(chosen);
        assertEquals(chosen, new PreferencesSettingsStore(node).analysisSettings());
        node.put("mpFit", "SOMETIMES");
        node.putInt("minEvals", -2);
        node.putLong("cacheLimit", -5);
        assertEquals(AnalysisSettings.defaults(), new PreferencesSettingsStore(node).analysisSettings());
    }
}
