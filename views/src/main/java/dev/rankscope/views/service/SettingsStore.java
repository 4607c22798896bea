package dev.rankscope.views.service;

import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.QuickPreview;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Persistent workbench settings: recent files, theme, window layout, the quick-preview mode, the
 * analysis settings (MP fit, {@code min_evals}, cache size limit) and the engine choice (engine and
 * worker threads apply at the next start). Injected so tests use
 * {@link InMemorySettingsStore}; the app uses {@link PreferencesSettingsStore}. Called on the
 * FX thread; implementations must be cheap.
 */
public interface SettingsStore {

    /** Most recent first; never null. */
    List<Path> recentFiles();

    void setRecentFiles(List<Path> paths);

    Theme theme();

    void setTheme(Theme theme);

    Optional<WindowLayout> windowLayout();

    void setWindowLayout(WindowLayout layout);

    /** When to run the quick approximate pass; default {@link QuickPreview#LARGE_CHECKPOINTS}. */
    QuickPreview quickPreview();

    void setQuickPreview(QuickPreview mode);

    /**
     * Which SVD engine the next start uses (the {@code -Drankscope.engine} switch overrides it);
     * default {@link dev.rankscope.engine.linalg.Backends.Preference#AUTO}.
     */
    dev.rankscope.engine.linalg.Backends.Preference enginePreference();

    void setEnginePreference(dev.rankscope.engine.linalg.Backends.Preference preference);

    /**
     * Matrices decomposed at once from the next start (the {@code -Drankscope.parallelism} switch
     * overrides it); 0 (the default) means automatic: available processors − 1, at least 1.
     */
    int workerThreads();

    /** @param threads 0 for automatic, else 1–256 */
    void setWorkerThreads(int threads);

    /**
     * MP fit mode, {@code min_evals} and the spectrum cache's size limit, applied to the running
     * session; default {@link AnalysisSettings#defaults()} (the limit from
     * {@code $RANKSCOPE_CACHE_LIMIT}, else 2 GiB).
     */
    AnalysisSettings analysisSettings();

    void setAnalysisSettings(AnalysisSettings settings);

    /** Validates a worker-thread count (0 = automatic, else 1–256) and returns it. */
    static int checkWorkerThreads(int threads) {
        if (threads < 0 || threads > 256) {
            throw new IllegalArgumentException("worker threads must be 0 (automatic) to 256, got " + threads);
        }
        return threads;
    }
}
