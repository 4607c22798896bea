package dev.rankscope.engine.io;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temporary files this process writes before renaming them into place (exports through
 * {@link AtomicFileWriter}, spectrum-cache entries), so that none outlives the process.
 *
 * <p><b>Naming.</b> Every temporary file's name carries its writer:
 * {@code PREFIX + pid + "-" + start + "." + random + SUFFIX}, where {@code pid} is the writing
 * process's id and {@code start} its start time (epoch seconds, base 36; 0 when the platform
 * does not say). A file of that naming is <em>stale</em> when no live process has that pid and
 * start time: its writer was killed ({@code kill -9}, power loss) before it could remove it.
 * {@link #removeStale} deletes such files; every writer calls it for the folder it writes into,
 * so the next run writing to a folder (or the cache) cleans what a killed run left there.
 * Liveness is checked with {@link ProcessHandle} (pid and start instant, so a reused pid does not
 * keep a stale file alive). Chosen over file locks because a lock must be held open for the whole
 * write (one more file descriptor per export), is advisory only, and is unreliable on network
 * file systems, whereas a name survives anywhere the file does.
 *
 * <p><b>Signals.</b> The set of live temporary files is process-wide on purpose: a signal ends
 * the whole process, and the signal handler (in the application entry point) needs to know what
 * to remove. {@link #closeAndDeleteAll()} deletes every registered file and refuses any later
 * {@link #create} or {@link #commit}, so that after an interrupt no output is replaced and no
 * temporary file appears; the rename in {@link #commit} and the deletion are serialised by one
 * lock, so an output is either the previous version or the complete new one.
 *
 * <p>Thread-safe.
 */
public final class TempFiles {

    /** Thrown by {@link #create} and {@link #commit} once the process is shutting down. */
    public static final class ShuttingDownException extends IOException {
        ShuttingDownException() {
            super("interrupted: the process is shutting down");
        }
    }

    /** Files whose naming predates the writer token and were last written this long ago are stale. */
    static final Duration LEGACY_STALE_AGE = Duration.ofHours(1);

    private static final String OWNER = ownerToken(ProcessHandle.current());
    private static final Object LOCK = new Object();
    private static final Set<Path> LIVE = new LinkedHashSet<>();
    private static boolean closed;

    private TempFiles() {
    }

    /** {@code pid-start} of this process, as embedded in its temporary files' names. */
    public static String owner() {
        return OWNER;
    }

    /**
     * Creates an empty temporary file {@code dir/PREFIX<owner>.<random>SUFFIX} and registers it.
     *
     * @throws ShuttingDownException once {@link #closeAndDeleteAll()} ran
     * @throws IOException           when the file system refuses (the exception keeps its reason)
     */
    public static Path create(Path dir, String prefix, String suffix) throws IOException {
        synchronized (LOCK) {
            if (closed) {
                throw new ShuttingDownException();
            }
        }
        while (true) {
            long random = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
            Path tmp = dir.resolve(prefix + OWNER + "." + Long.toString(random, 36) + suffix);
            synchronized (LOCK) {
                if (closed) {
                    throw new ShuttingDownException();
                }
                try {
                    Files.createFile(tmp);
                } catch (FileAlreadyExistsException taken) {
                    continue;
                }
                LIVE.add(tmp);
                return tmp;
            }
        }
    }

    /**
     * Renames {@code tmp} over {@code target} (atomically where the file system can) and forgets it.
     *
     * @throws ShuttingDownException once {@link #closeAndDeleteAll()} ran ({@code tmp} is gone then)
     */
    public static void commit(Path tmp, Path target) throws IOException {
        synchronized (LOCK) {
            if (closed) {
                throw new ShuttingDownException();
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            LIVE.remove(tmp);
        }
    }

    /** Deletes {@code tmp} (if still there) and forgets it. Never throws. */
    public static void discard(Path tmp) {
        synchronized (LOCK) {
            LIVE.remove(tmp);
            deleteQuietly(tmp);
        }
    }

    /**
     * Deletes every registered temporary file and refuses every later {@link #create} and
     * {@link #commit}: the last step before the process ends on a signal.
     *
     * @return how many files were deleted
     */
    public static int closeAndDeleteAll() {
        synchronized (LOCK) {
            closed = true;
            int n = 0;
            for (Path p : LIVE) {
                if (deleteQuietly(p)) {
                    n++;
                }
            }
            LIVE.clear();
            return n;
        }
    }

    /** The temporary files currently registered (for tests and diagnostics). */
    public static List<Path> live() {
        synchronized (LOCK) {
            return new ArrayList<>(LIVE);
        }
    }

    /**
     * Deletes, in {@code dir}, the hidden files named {@code .…<pid>-<start>.<random>SUFFIX}
     * (any prefix, so every output's temporary files) whose writer is no longer alive, and
     * files of the older naming {@code legacy} (no writer token) not modified for
     * {@link #LEGACY_STALE_AGE}. Files of other names, of live writers and this process's own
     * are never touched. Never throws (a folder that cannot be listed is skipped).
     *
     * @param legacy pattern of the naming used before the writer token, or null
     * @return how many files were deleted
     */
    public static int removeStale(Path dir, String suffix, Pattern legacy) {
        Pattern own = Pattern.compile("\\..*\\.(\\d{1,18})-([0-9a-z]{1,12})\\.[0-9a-z]{1,13}" + Pattern.quote(suffix));
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(".") && n.endsWith(suffix);
        })) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                Matcher m = own.matcher(name);
                boolean stale;
                if (m.matches()) {
                    stale = !alive(Long.parseLong(m.group(1)), Long.parseLong(m.group(2), 36));
                } else {
                    stale = legacy != null && legacy.matcher(name).matches() && olderThan(p, LEGACY_STALE_AGE);
                }
                if (stale && deleteQuietly(p)) {
                    removed++;
                }
            }
        } catch (IOException | RuntimeException e) {
            // a folder we cannot list holds nothing we could delete either
        }
        return removed;
    }

    /** Whether a process with {@code pid} that started at {@code startSeconds} (0 = unknown) is running. */
    static boolean alive(long pid, long startSeconds) {
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        if (startSeconds == 0) {
            return true;
        }
        return h.get().info().startInstant().map(s -> s.getEpochSecond() == startSeconds).orElse(true);
    }

    static String ownerToken(ProcessHandle process) {
        long start = process.info().startInstant().map(Instant::getEpochSecond).orElse(0L);
        return process.pid() + "-" + Long.toString(start, 36);
    }

    private static boolean olderThan(Path p, Duration age) {
        try {
            FileTime t = Files.getLastModifiedTime(p);
            return t.toInstant().isBefore(Instant.now().minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean deleteQuietly(Path p) {
        try {
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            return false;
        }
    }
}
