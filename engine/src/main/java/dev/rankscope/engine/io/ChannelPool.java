package dev.rankscope.engine.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small pool of read channels, one per file, opened on demand: at most {@code maxIdle}
 * channels stay open, the least recently used idle one being closed when another file is
 * needed. A channel in use ({@link Lease} not yet closed) is never closed under its reader; the
 * pool may then exceed its size until the lease ends. A channel found closed (e.g. by an
 * interrupted reader, {@link java.nio.channels.ClosedByInterruptException}) is reopened.
 *
 * <p>Thread-safe; opening happens under the pool's lock.
 */
final class ChannelPool {

    /** Opens a channel for a file. */
    @FunctionalInterface
    interface Opener {
        FileChannel open() throws IOException;
    }

    /** One reader's use of a channel; close it to give the channel back. */
    final class Lease implements AutoCloseable {
        private final Slot slot;
        private boolean closed;

        private Lease(Slot slot) {
            this.slot = slot;
        }

        FileChannel channel() {
            return slot.channel;
        }

        @Override
        public void close() {
            synchronized (ChannelPool.this) {
                if (!closed) {
                    closed = true;
                    slot.users--;
                    trim();
                }
            }
        }
    }

    private static final class Slot {
        final FileChannel channel;
        int users;

        Slot(FileChannel channel) {
            this.channel = channel;
        }
    }

    private final int maxIdle;
    private final LinkedHashMap<Path, Slot> open = new LinkedHashMap<>(16, 0.75f, true);
    private final java.util.List<Slot> retiredBusy = new java.util.ArrayList<>();

    ChannelPool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** The channel of {@code file}, opened with {@code opener} when not open. */
    synchronized Lease acquire(Path file, Opener opener) throws IOException {
        Slot slot = open.get(file);
        if (slot != null && !slot.channel.isOpen()) {
            open.remove(file);
            retire(slot);
            slot = null;
        }
        if (slot == null) {
            trimTo(maxIdle - 1);
            slot = new Slot(opener.open());
            open.put(file, slot);
        }
        slot.users++;
        return new Lease(slot);
    }

    /** Channels open now (in the pool plus retired ones still being read). */
    synchronized int size() {
        return open.size() + retiredBusy.size();
    }

    /** Closes every channel not being read now. */
    synchronized void closeIdle() {
        trimTo(0);
    }

    /** Closes every channel; later reads reopen. */
    synchronized void close() {
        for (Slot s : open.values()) {
            closeQuietly(s.channel);
        }
        open.clear();
        for (Slot s : retiredBusy) {
            closeQuietly(s.channel);
        }
        retiredBusy.clear();
    }

    private void trim() {
        retiredBusy.removeIf(s -> {
            if (s.users == 0) {
                closeQuietly(s.channel);
                return true;
            }
            return false;
        });
        trimTo(maxIdle);
    }

    /** Closes least recently used idle channels until at most {@code limit} remain (busy ones stay). */
    private void trimTo(int limit) {
        for (Iterator<Map.Entry<Path, Slot>> it = open.entrySet().iterator(); it.hasNext() && open.size() > limit; ) {
            Slot s = it.next().getValue();
            if (s.users == 0) {
                it.remove();
                closeQuietly(s.channel);
            }
        }
    }

    private void retire(Slot s) {
        if (s.users == 0) {
            closeQuietly(s.channel);
        } else {
            retiredBusy.add(s);
        }
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // a read-only channel: nothing to lose
        }
    }
}
