package dev.rankscope.views.service;

import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.QuickPreview;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Settings that live only as long as this object: for tests and for {@code --no-settings} runs. */
public final class InMemorySettingsStore implements SettingsStore {
    private List<Path> recent = List.of();
    private Theme theme = Theme.LIGHT;
    private WindowLayout layout;
    private QuickPreview quickPreview = QuickPreview.LARGE_CHECKPOINTS;
    private dev.rankscope.engine.linalg.Backends.Preference engine = dev.rankscope.engine.linalg.Backends.Preference.AUTO;
    private int workerThreads;
    private AnalysisSettings analysis = AnalysisSettings.defaults();

    @Override
    public List<Path> recentFiles() {
        return recent;
    }

    @Override
    public void setRecentFiles(List<Path> paths) {
        recent = List.copyOf(paths);
    }

    @Override
    public Theme theme() {
        return theme;
    }

    @Override
    public void setTheme(Theme theme) {
        this.theme = theme;
    }

    @Override
    public Optional<WindowLayout> windowLayout() {
        return Optional.ofNullable(layout);
    }

    @Override
    public void setWindowLayout(WindowLayout layout) {
        this.layout = layout;
    }

    @Override
    public QuickPreview quickPreview() {
        return quickPreview;
    }

    @Override
    public void setQuickPreview(QuickPreview mode) {
        quickPreview = java.util.Objects.requireNonNull(mode);
    }

    @Override
    public dev.rankscope.engine.linalg.Backends.Preference enginePreference() {
        return engine;
    }

    @Override
    public void setEnginePreference(dev.rankscope.engine.linalg.Backends.Preference preference) {
        engine = java.util.Objects.requireNonNull(preference);
    }

    @Override
    public int workerThreads() {
        return workerThreads;
    }

    @Override
    public void setWorkerThreads(int threads) {
        workerThreads = SettingsStore.checkWorkerThreads(threads);
    }

    @Override
    public AnalysisSettings analysisSettings() {
        return analysis;
    }

    @Override
    public void setAnalysisSettings(AnalysisSettings settings) {
        analysis = java.util.Objects.requireNonNull(settings);
    }
}
