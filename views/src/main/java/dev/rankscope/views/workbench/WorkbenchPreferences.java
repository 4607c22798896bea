package dev.rankscope.views.workbench;

import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.application.workbench.WorkbenchServices;
import dev.rankscope.views.model.RecentFiles;
import dev.rankscope.views.service.SettingsStore;
import dev.rankscope.views.service.Theme;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The workbench's persisted choices: theme, when to run the quick preview, the analysis settings
 * (MP fit, {@code min_evals}, cache limit — handed to the services at once, so analyses started
 * afterwards use them) and the recent files. Each starts from the {@link SettingsStore} and every
 * change is written back to it. Owned by {@link WorkbenchViewModel}, which exposes the properties.
 * FX thread only.
 */
final class WorkbenchPreferences {
    final ObjectProperty<Theme> theme = new SimpleObjectProperty<>(Theme.LIGHT);
    final ObjectProperty<QuickPreview> quickPreview = new SimpleObjectProperty<>(QuickPreview.LARGE_CHECKPOINTS);
    final ObjectProperty<AnalysisSettings> analysisSettings = new SimpleObjectProperty<>();
    private final ObservableList<Path> recentFiles = FXCollections.observableArrayList();
    /** Held once: an unmodifiable wrapper listens weakly to its source, so a per-call wrapper would lose its listeners. */
    final ObservableList<Path> recentFilesReadOnly = FXCollections.unmodifiableObservableList(recentFiles);
    private final SettingsStore settings;

    WorkbenchPreferences(SettingsStore settings, WorkbenchServices services) {
        this.settings = Objects.requireNonNull(settings);
        recentFiles.setAll(settings.recentFiles());
        theme.set(settings.theme());
        theme.addListener((o, a, b) -> settings.setTheme(b));
        quickPreview.set(settings.quickPreview());
        quickPreview.addListener((o, a, b) -> settings.setQuickPreview(Objects.requireNonNull(b)));
        analysisSettings.set(settings.analysisSettings());
        services.configure(analysisSettings.get());
        analysisSettings.addListener((o, a, b) -> {
            settings.setAnalysisSettings(Objects.requireNonNull(b));
            services.configure(b);
        });
    }

    /** Puts {@code file} first in the recent files ({@link RecentFiles#touch}) and persists the list. */
    void touchRecent(Path file) {
        List<Path> recent = RecentFiles.touch(recentFiles, file);
        recentFiles.setAll(recent);
        settings.setRecentFiles(recent);
    }
}
