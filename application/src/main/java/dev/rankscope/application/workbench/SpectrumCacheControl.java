package dev.rankscope.application.workbench;

import dev.rankscope.engine.cache.SpectrumCache;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link CacheControl} over the engine's {@link SpectrumCache} folder. Size and clearing do not
 * depend on the engine version, so one instance serves whatever backend wrote the entries.
 * Thread-safe.
 */
public final class SpectrumCacheControl implements CacheControl {
    private final SpectrumCache cache;

    /** @param folder the cache folder, e.g. {@link SpectrumCache#defaultDir()} */
    public SpectrumCacheControl(Path folder) {
        this.cache = new SpectrumCache(folder, "size-and-clear-only");
    }

    @Override
    public Path folder() {
        return cache.dir();
    }

    @Override
    public long sizeBytes() {
        return cache.sizeBytes();
    }

    @Override
    public void clear() throws IOException {
        cache.clear();
    }

    @Override
    public void trim(long limitBytes) {
        new SpectrumCache(cache.dir(), "size-and-clear-only", limitBytes, note -> { }).trim();
    }
}
