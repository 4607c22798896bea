package dev.rankscope.views.settings;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.model.ByteSizes;
import dev.rankscope.application.workbench.CacheControl;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.service.SettingsStore;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyLongProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.io.IOException;
import java.util.Optional;

/**
 * Edit ▸ Settings…: the spectrum cache (folder, size on disk, Clear), the quick-preview
 * mode, and the engine and worker-thread choices for the next start, all persisted through the
 * workbench's {@link SettingsStore} as soon as they change.
 *
 * <p>Threading: FX thread only. Sizing and clearing the cache touch the disk on the work executor
 * and apply their result on the UI executor; a failure to clear is one dialog naming the folder.
 */
public final class SettingsViewModel {
    private final WorkbenchViewModel workbench;
    private final Optional<CacheControl> cache;
    private final StringProperty cacheFolder = new SimpleStringProperty();
    private final LongProperty cacheBytes = new SimpleLongProperty(-1);
    private final StringProperty cacheSize = new SimpleStringProperty("…");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final ObjectProperty<Backends.Preference> engine = new SimpleObjectProperty<>();
    private final IntegerProperty workerThreads = new SimpleIntegerProperty();

    /** @param cache the spectrum cache, or empty when the workbench caches nothing */
    public SettingsViewModel(WorkbenchViewModel workbench, Optional<CacheControl> cache) {
        this.workbench = workbench;
        this.cache = cache;
        SettingsStore settings = workbench.settings();
        cacheFolder.set(cache.map(c -> c.folder().toString()).orElse("no spectrum cache"));
        engine.set(settings.enginePreference());
        engine.addListener((o, a, b) -> settings.setEnginePreference(b == null ? Backends.Preference.AUTO : b));
        workerThreads.set(settings.workerThreads());
        workerThreads.addListener((o, a, b) -> settings.setWorkerThreads(Math.max(0, Math.min(256, b.intValue()))));
        refreshSize();
    }

    /** Re-measures the cache folder (work executor). */
    public void refreshSize() {
        if (cache.isEmpty()) {
            cacheBytes.set(0);
            cacheSize.set("—");
            return;
        }
        busy.set(true);
        CacheControl c = cache.get();
        workbench.executors().work().execute(() -> {
            long bytes = c.sizeBytes();
            workbench.executors().ui().execute(() -> {
                busy.set(false);
                cacheBytes.set(bytes);
                cacheSize.set(formatBytes(bytes));
            });
        });
    }

    /**
     * Deletes every cached spectrum (the view asks for confirmation first), then re-measures.
     * Spectra are recomputed the next time a checkpoint is opened.
     */
    public void clearCache() {
        if (cache.isEmpty()) {
            return;
        }
        busy.set(true);
        CacheControl c = cache.get();
        workbench.executors().work().execute(() -> {
            String error = null;
            try {
                c.clear();
            } catch (IOException e) {
                error = "Could not delete every entry of the spectrum cache in " + c.folder() + ": " + e.getMessage();
            }
            String message = error;
            workbench.executors().ui().execute(() -> {
                if (message != null) {
                    workbench.dialogs().showError("Cannot clear the spectrum cache", message);
                }
                refreshSize();
            });
        });
    }

    /** Bytes as "0 B", "512 B", "1.5 KiB", "12.0 MiB" ({@link ByteSizes}). Pure. */
    public static String formatBytes(long bytes) {
        return ByteSizes.format(bytes);
    }

    /** True when a spectrum cache exists (the Clear button is enabled). */
    public boolean hasCache() {
        return cache.isPresent();
    }

    /** The cache folder, or "no spectrum cache". */
    public ReadOnlyStringProperty cacheFolderProperty() {
        return cacheFolder;
    }

    /** Measured size in bytes; −1 before the first measurement. */
    public ReadOnlyLongProperty cacheBytesProperty() {
        return cacheBytes;
    }

    /** {@link #formatBytes} of the measured size, "…" while measuring the first time. */
    public ReadOnlyStringProperty cacheSizeProperty() {
        return cacheSize;
    }

    /** True while the cache is being measured or cleared. */
    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    /** The quick-preview mode (the workbench's own property: changes apply to checkpoints opened later). */
    public ObjectProperty<QuickPreview> quickPreviewProperty() {
        return workbench.quickPreviewProperty();
    }

    /** The SVD engine for the next start; persisted. */
    public ObjectProperty<Backends.Preference> engineProperty() {
        return engine;
    }

    /** Matrices decomposed at once from the next start, 0 = automatic; persisted. */
    public IntegerProperty workerThreadsProperty() {
        return workerThreads;
    }
}
