package dev.rankscope.views.settings;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.cache.SpectrumCache;

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
import java.util.Objects;
import java.util.Optional;

/**
 * Edit ▸ Settings…: the spectrum cache (folder, size on disk, size limit, Clear), the quick-preview
 * mode, the metrics of the next analyses (MP fit, {@code min_evals}: the CLI's {@code --mp-fit} and
 * {@code --min-evals}), and the engine and worker-thread choices for the next start, all persisted
 * through the workbench's {@link SettingsStore} as soon as they change. The limit and the metrics
 * reach the running session through {@link WorkbenchViewModel#analysisSettingsProperty()}.
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
    private final ObjectProperty<AnalysisParameters.MpMode> mpFit = new SimpleObjectProperty<>();
    private final IntegerProperty minEvals = new SimpleIntegerProperty();
    private final StringProperty cacheLimit = new SimpleStringProperty();
    private final StringProperty cacheLimitError = new SimpleStringProperty("");

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
        ObjectProperty<AnalysisSettings> analysis = workbench.analysisSettingsProperty();
        mpFit.set(analysis.get().metrics().marchenkoPastur());
        mpFit.addListener((o, a, b) -> analysis.set(analysis.get().withMarchenkoPastur(Objects.requireNonNull(b))));
        minEvals.set(analysis.get().metrics().minEvals());
        minEvals.addListener((o, a, b) -> analysis.set(analysis.get().withMinEvals(Math.max(0, b.intValue()))));
        cacheLimit.set(formatBytes(analysis.get().cacheLimit()));
        refreshSize();
    }

    /**
     * Sets the cache's size limit from text such as {@code 500M}, {@code 2G} or {@code 1.5 GiB}
     * ({@link SpectrumCache#parseSize}, as {@code --cache-limit}): persisted, used by the running
     * session's next cache writes, and applied to the folder at once (least recently used entries
     * deleted on the work executor, then the size re-measured). Bad text leaves the limit as it
     * was and sets {@link #cacheLimitErrorProperty()} to one line.
     *
     * @return true when the limit was accepted
     */
    public boolean applyCacheLimit(String text) {
        long bytes;
        try {
            bytes = SpectrumCache.parseSize(text);
            if (bytes <= 0) {
                throw new IllegalArgumentException("the cache size limit must be positive");
            }
        } catch (IllegalArgumentException e) {
            cacheLimitError.set(e.getMessage());
            return false;
        }
        cacheLimitError.set("");
        ObjectProperty<AnalysisSettings> analysis = workbench.analysisSettingsProperty();
        analysis.set(analysis.get().withCacheLimit(bytes));
        cacheLimit.set(formatBytes(bytes));
        cache.ifPresent(c -> {
            busy.set(true);
            workbench.runner().work(() -> {
                        c.trim(bytes);
                        return c.folder();
                    })
                    .onSuccess(folder -> refreshSize())
                    .onFailure("Cannot apply the cache size limit", c.folder())
                    .onFailureSentence(sentence -> refreshSize())
                    .start();
        });
        return true;
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
        workbench.runner().work(c::sizeBytes)
                .onSuccess(bytes -> {
                    busy.set(false);
                    cacheBytes.set(bytes);
                    cacheSize.set(formatBytes(bytes));
                })
                .about(c.folder())
                .onFailureSentence(text -> {
                    busy.set(false);
                    cacheSize.set("—");
                })
                .start();
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
        workbench.runner().work(() -> {
                    try {
                        c.clear();
                        return c.folder();
                    } catch (IOException e) {
                        throw new RankscopeException("Could not delete every entry of the spectrum cache in "
                                + c.folder() + ": " + e.getMessage(), e.toString(), e);
                    }
                })
                .onSuccess(folder -> refreshSize())
                .onFailure("Cannot clear the spectrum cache", c.folder())
                .onFailureSentence(text -> refreshSize())
                .start();
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

    /** The Marchenko–Pastur fit of analyses started from now on ({@code --mp-fit}); persisted. */
    public ObjectProperty<AnalysisParameters.MpMode> mpFitProperty() {
        return mpFit;
    }

    /** WeightWatcher's {@code min_evals} of analyses started from now on ({@code --min-evals}); persisted. */
    public IntegerProperty minEvalsProperty() {
        return minEvals;
    }

    /** The cache's size limit as shown ("2.0 GiB"); changed through {@link #applyCacheLimit}. */
    public ReadOnlyStringProperty cacheLimitProperty() {
        return cacheLimit;
    }

    /** Why the last {@link #applyCacheLimit} text was refused; empty when it was accepted. */
    public ReadOnlyStringProperty cacheLimitErrorProperty() {
        return cacheLimitError;
    }

    /** Matrices decomposed at once from the next start, 0 = automatic; persisted. */
    public IntegerProperty workerThreadsProperty() {
        return workerThreads;
    }
}
