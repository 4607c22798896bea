package dev.rankscope.engine.io;

import dev.rankscope.engine.RankscopeException;

import java.nio.file.Path;

/**
 * Writing an output file failed or was refused. The user message names the file and the
 * reason (a protected input, a full disk, a cancelled export, a data supplier that produced the
 * wrong number of elements). No partial file is left behind: see {@link AtomicFileWriter}.
 */
public class CheckpointWriteException extends RankscopeException {

    /** Why a write did not complete. */
    public enum Reason {
        /** The target is one of the inputs the caller protected, or is otherwise not writable by policy. */
        REFUSED,
        /** The file system failed (permissions, disk full, rename failed). */
        IO,
        /** The data handed to the writer disagrees with what was declared. */
        BAD_DATA
    }

    private final Path file;
    private final Reason reason;

    public CheckpointWriteException(Path file, Reason reason, String problem) {
        this(file, reason, problem, null);
    }

    public CheckpointWriteException(Path file, Reason reason, String problem, Throwable cause) {
        super(name(file) + ": " + problem, name(file) + ": " + problem
                + (cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"), cause);
        this.file = file;
        this.reason = reason;
    }

    /** The target file. */
    public Path file() {
        return file;
    }

    public Reason reason() {
        return reason;
    }

    private static String name(Path file) {
        Path fn = file == null ? null : file.getFileName();
        return fn == null ? String.valueOf(file) : fn.toString();
    }
}
