package dev.rankscope.views.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Persistent workbench settings: recent files, theme and window layout. Injected so tests use
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
}
