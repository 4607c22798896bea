package dev.rankscope.views.service;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.QuickPreview;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;

/**
 * Settings persisted with {@link java.util.prefs.Preferences} (on Linux a small XML file under
 * {@code ~/.java/.userPrefs}). The node is injected: the app passes
 * {@code Preferences.userRoot().node("dev/rankscope/workbench")}, tests a throw-away node.
 * Unreadable values fall back to defaults rather than failing the start-up.
 */
public final class PreferencesSettingsStore implements SettingsStore {
    private static final String RECENT = "recent.";
    private static final int MAX_RECENT = 20;

    private final Preferences node;

    public PreferencesSettingsStore(Preferences node) {
        this.node = node;
    }

    @Override
    public List<Path> recentFiles() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX_RECENT; i++) {
            String s = node.get(RECENT + i, null);
            if (s == null) {
                break;
            }
            try {
                out.add(Path.of(s));
            } catch (InvalidPathException skip) {
                // a path written on another OS: ignore it
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void setRecentFiles(List<Path> paths) {
        for (int i = 0; i < MAX_RECENT; i++) {
            if (i < paths.size()) {
                node.put(RECENT + i, paths.get(i).toString());
            } else {
                node.remove(RECENT + i);
            }
        }
        flush();
    }

    @Override
    public Theme theme() {
        try {
            return Theme.valueOf(node.get("theme", Theme.LIGHT.name()));
        } catch (IllegalArgumentException unknown) {
            return Theme.LIGHT;
        }
    }

    @Override
    public void setTheme(Theme theme) {
        node.put("theme", theme.name());
        flush();
    }

    @Override
    public Optional<WindowLayout> windowLayout() {
        double w = node.getDouble("window.width", -1);
        double h = node.getDouble("window.height", -1);
        if (!(w > 0) || !(h > 0)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new WindowLayout(node.getDouble("window.x", Double.NaN), node.getDouble("window.y", Double.NaN),
                    w, h, node.getBoolean("window.maximized", false),
                    node.getDouble("window.leftDivider", 0.22), node.getDouble("window.rightDivider", 0.78)));
        } catch (IllegalArgumentException corrupt) {
            return Optional.empty();
        }
    }

    @Override
    public void setWindowLayout(WindowLayout layout) {
        node.putDouble("window.x", layout.x());
        node.putDouble("window.y", layout.y());
        node.putDouble("window.width", layout.width());
        node.putDouble("window.height", layout.height());
        node.putBoolean("window.maximized", layout.maximized());
        node.putDouble("window.leftDivider", layout.leftDivider());
        node.putDouble("window.rightDivider", layout.rightDivider());
        flush();
    }

    @Override
    public QuickPreview quickPreview() {
        return enumValue("quickPreview", QuickPreview.class, QuickPreview.LARGE_CHECKPOINTS);
    }

    @Override
    public void setQuickPreview(QuickPreview mode) {
        node.put("quickPreview", mode.name());
        flush();
    }

    @Override
    public dev.rankscope.engine.linalg.Backends.Preference enginePreference() {
        return enumValue("engine", dev.rankscope.engine.linalg.Backends.Preference.class,
                dev.rankscope.engine.linalg.Backends.Preference.AUTO);
    }

    @Override
    public void setEnginePreference(dev.rankscope.engine.linalg.Backends.Preference preference) {
        node.put("engine", preference.name());
        flush();
    }

    @Override
    public int workerThreads() {
        int t = node.getInt("workerThreads", 0);
        return t < 0 || t > 256 ? 0 : t;
    }

    @Override
    public void setWorkerThreads(int threads) {
        node.putInt("workerThreads", SettingsStore.checkWorkerThreads(threads));
        flush();
    }

    /** A stored limit of 0 (or none) means "not chosen": the environment's or the default applies. */
    @Override
    public AnalysisSettings analysisSettings() {
        AnalysisSettings defaults = AnalysisSettings.defaults();
        AnalysisParameters.MpMode mode = enumValue("mpFit", AnalysisParameters.MpMode.class,
                defaults.metrics().marchenkoPastur());
        int minEvals = node.getInt("minEvals", defaults.metrics().minEvals());
        long limit = node.getLong("cacheLimit", 0);
        return new AnalysisSettings(defaults.metrics().withMarchenkoPastur(mode)
                .withMinEvals(minEvals < 0 ? defaults.metrics().minEvals() : minEvals),
                limit > 0 ? limit : defaults.cacheLimit());
    }

    @Override
    public void setAnalysisSettings(AnalysisSettings settings) {
        node.put("mpFit", settings.metrics().marchenkoPastur().name());
        node.putInt("minEvals", settings.metrics().minEvals());
        node.putLong("cacheLimit", settings.cacheLimit());
        flush();
    }

    private <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
        try {
            return Enum.valueOf(type, node.get(key, fallback.name()));
        } catch (IllegalArgumentException unknown) {
            return fallback;
        }
    }

    private void flush() {
        try {
            node.flush();
        } catch (BackingStoreException e) {
            // Settings are a convenience: losing them must not disturb the session.
            System.getLogger(PreferencesSettingsStore.class.getName())
                    .log(System.Logger.Level.WARNING, "cannot save workbench settings: " + e.getMessage());
        }
    }
}
