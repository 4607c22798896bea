package dev.rankscope.engine.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a file so that readers see either the old content or the complete new content, never
 * a partial file: the body writes into a temporary file in the target's own folder (same file
 * system), which is forced to disk and then renamed over the target with
 * {@link StandardCopyOption#ATOMIC_MOVE} (falling back to {@link StandardCopyOption#REPLACE_EXISTING}
 * where the file system cannot move atomically). If the body throws — including a cancellation
 * exception — the temporary file is deleted and the target is untouched.
 *
 * <p>Temporary files are named {@code .<target>.<pid>-<start>.<random>.rankscope-tmp} and
 * registered with {@link TempFiles}: an interrupt (signal) deletes them, and every write (and
 * {@link #checkWritable}) first removes those a killed process left in the target's folder.
 * Failures keep the operating system's reason in the one-line message ({@link #reason}).
 *
 * <p>Every export (safetensors, plan JSON, CSV, PEFT config) goes through this class. The writer
 * refuses to replace any path listed as a protected input (the checkpoint being analysed), by
 * normalised absolute path and, when both exist, by {@link Files#isSameFile}.
 *
 * <p>Immutable and thread-safe; concurrent writes to different targets are independent.
 */
public final class AtomicFileWriter {

    /** Writes the content of one file into an open channel positioned at 0. */
    @FunctionalInterface
    public interface Body {
        void write(FileChannel out) throws IOException;
    }

    /** Writes the content of one file into a buffered stream (flushed, not closed, by the writer). */
    @FunctionalInterface
    public interface StreamBody {
        void write(OutputStream out) throws IOException;
    }

    private static final String TEMP_SUFFIX = ".rankscope-tmp";
    /** Temporary files of versions before the writer token: {@code .<out>.<random digits>.rankscope-tmp}. */
    private static final Pattern LEGACY_TEMP = Pattern.compile("\\..+\\.\\d+\\.rankscope-tmp");

    private final List<Path> protectedInputs;

    /** A writer that refuses to overwrite any of {@code protectedInputs} (files or folders). */
    public AtomicFileWriter(Collection<Path> protectedInputs) {
        this.protectedInputs = List.copyOf(protectedInputs);
    }

    /** A writer without protected inputs. */
    public static AtomicFileWriter unprotected() {
        return new AtomicFileWriter(List.of());
    }

    public List<Path> protectedInputs() {
        return protectedInputs;
    }

    /**
     * Writes {@code target} atomically. Creates missing parent folders.
     *
     * @throws CheckpointWriteException REFUSED when {@code target} is a protected input or a folder,
     *                                  IO when the file system fails; the body's own unchecked
     *                                  exceptions propagate unchanged (after the temp file is removed)
     */
    public void write(Path target, Body body) {
        checkAllowed(target);
        Path abs = target.toAbsolutePath().normalize();
        Path dir = abs.getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            TempFiles.removeStale(dir, TEMP_SUFFIX, LEGACY_TEMP);
            tmp = TempFiles.create(dir, "." + abs.getFileName() + ".", TEMP_SUFFIX);
            shareable(tmp);
        } catch (TempFiles.ShuttingDownException e) {
            throw interrupted(target, e);
        } catch (IOException e) {
            throw new CheckpointWriteException(target, CheckpointWriteException.Reason.IO,
                    "cannot create a temporary file in " + dir + ": " + reason(e), e);
        }
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            makeReadable(tmp);
            TempFiles.commit(tmp, abs);
            moved = true;
        } catch (TempFiles.ShuttingDownException e) {
            throw interrupted(target, e);
        } catch (IOException e) {
            throw new CheckpointWriteException(target, CheckpointWriteException.Reason.IO, "write failed: " + reason(e), e);
        } finally {
            if (!moved) {
                TempFiles.discard(tmp);
            }
        }
    }

    /**
     * Fails fast, before hours of computing, when {@code target} could not be written: checks
     * {@link #checkAllowed}, creates the missing parent folders, removes stale temporary files a
     * killed run left there ({@link TempFiles#removeStale}) and creates and deletes one temporary
     * file in the folder. The existing target, if any, is not touched.
     *
     * @throws CheckpointWriteException REFUSED as {@link #checkAllowed}; IO naming the folder and the
     *                                  reason ("read-only file system", "permission denied", …)
     */
    public void checkWritable(Path target) {
        checkAllowed(target);
        Path dir = target.toAbsolutePath().normalize().getParent();
        try {
            Files.createDirectories(dir);
            TempFiles.removeStale(dir, TEMP_SUFFIX, LEGACY_TEMP);
            TempFiles.discard(TempFiles.create(dir, "." + target.getFileName() + ".", TEMP_SUFFIX));
        } catch (TempFiles.ShuttingDownException e) {
            throw interrupted(target, e);
        } catch (IOException e) {
            throw new CheckpointWriteException(target, CheckpointWriteException.Reason.IO,
                    "cannot write in " + dir + ": " + reason(e), e);
        }
    }

    /**
     * The reason of a file-system failure in the words the operating system uses, lower case:
     * "no space left on device", "read-only file system", "too many open files", "permission
     * denied", …; the exception's class name when it carries no reason.
     */
    public static String reason(IOException e) {
        String r = null;
        if (e instanceof FileSystemException fse) {
            r = fse.getReason();
            if (r == null && e instanceof AccessDeniedException) {
                r = "permission denied";
            } else if (r == null && e instanceof NoSuchFileException) {
                r = "no such file or folder";
            } else if (r == null && e instanceof FileAlreadyExistsException) {
                r = "a file of that name already exists";
            }
        } else {
            r = e.getMessage();
        }
        if (r == null || r.isBlank()) {
            r = e.getClass().getSimpleName();
        }
        return r.length() > 1 && Character.isUpperCase(r.charAt(0)) && Character.isLowerCase(r.charAt(1))
                ? Character.toLowerCase(r.charAt(0)) + r.substring(1) : r;
    }

    private static CheckpointWriteException interrupted(Path target, IOException e) {
        return new CheckpointWriteException(target, CheckpointWriteException.Reason.IO,
                "not written: the run was interrupted", e);
    }

    /**
     * Temp files are created owner-only (0600); an export is an ordinary file, so give it the
     * usual rw-r--r-- where the file system has POSIX permissions.
     */
    private static void makeReadable(Path tmp) throws IOException {
        if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    /** Like {@link #write(Path, Body)} for stream-based writers (Jackson, CSV); the stream is buffered. */
    public void writeStream(Path target, StreamBody body) {
        write(target, ch -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
            body.write(out);
            out.flush();
        });
    }

    /** Convenience: writes {@code bytes} atomically to {@code target}. */
    public void writeBytes(Path target, byte[] bytes) {
        write(target, ch -> {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        });
    }

    /**
     * Throws unless {@code target} may be written: not a protected input (by path or as the same
     * file), not inside a protected input that is a folder (a sharded or folder checkpoint; also
     * through symbolic links), and not an existing folder.
     */
    public void checkAllowed(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointWriteException(target, CheckpointWriteException.Reason.REFUSED,
                    "is a folder, not a file");
        }
        for (Path p : protectedInputs) {
            Path pa = p.toAbsolutePath().normalize();
            if (pa.equals(abs) || sameExistingFile(pa, abs)) {
                throw new CheckpointWriteException(target, CheckpointWriteException.Reason.REFUSED,
                        "refusing to overwrite an input checkpoint; choose another output path");
            }
            if (Files.isDirectory(pa) && (abs.startsWith(pa) || insideByRealPath(abs, pa))) {
                throw new CheckpointWriteException(target, CheckpointWriteException.Reason.REFUSED,
                        "is inside the input checkpoint folder " + pa.getFileName()
                                + "; refusing to write into a checkpoint being read, choose another folder");
            }
        }
    }

    /** Whether {@code target}'s nearest existing ancestor, resolved through links, lies inside {@code dir}. */
    private static boolean insideByRealPath(Path target, Path dir) {
        try {
            Path realDir = dir.toRealPath();
            for (Path a = target.getParent(); a != null; a = a.getParent()) {
                if (Files.exists(a)) {
                    return a.toRealPath().startsWith(realDir);
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static boolean sameExistingFile(Path a, Path b) {
        if (!Files.exists(a) || !Files.exists(b)) {
            return false;
        }
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Temp files are created owner-only (rw-------); outputs are meant to be shared like any file
     * the user saves, so give them rw-r--r-- where the file system has POSIX permissions.
     */
    private static void shareable(Path tmp) throws IOException {
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows ACLs: the temp file already inherits the folder's permissions
        }
    }

}
