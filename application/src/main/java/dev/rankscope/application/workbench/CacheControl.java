package dev.rankscope.application.workbench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The settings dialog's view of the on-disk spectrum cache (its size shown and clearable in
 * the settings): where it is, how big, and clearing it. A port so tests fake it or point it at a
 * temporary folder. Methods touch the disk: call them off the FX thread.
 */
public interface CacheControl {

    /** The cache folder (it may not exist yet). */
    Path folder();

    /** Bytes used by the cache folder; 0 when it does not exist. */
    long sizeBytes();

    /** Deletes every entry. */
    void clear() throws IOException;

    /**
     * Applies a size limit now: least recently used entries are deleted while the cache holds
     * more than {@code limitBytes} (to 90 % of it, as after a write).
     */
    void trim(long limitBytes);
}
