package dev.rankscope.analysis.plan;

import dev.rankscope.engine.RankscopeException;

import java.nio.file.Path;

/**
 * A plan file cannot be read or written (SPEC §5). The user message names the file and the
 * problem, e.g. {@code "plan.json: plan version 2 is not supported (this Rankscope reads version
 * 1)"}; {@link #kind()} lets tests and the UI tell problems apart. Write failures are the
 * engine's {@link dev.rankscope.engine.io.CheckpointWriteException}.
 */
public class PlanFileException extends RankscopeException {

    /** Kinds of problem. */
    public enum Kind {
        /** The file cannot be read (missing, permissions). */
        UNREADABLE,
        /** Not JSON, a required field is missing or has the wrong type, or values are invalid. */
        MALFORMED,
        /** A JSON document that is not a Rankscope plan. */
        WRONG_FORMAT,
        /** A Rankscope plan of a version this build does not read. */
        UNSUPPORTED_VERSION,
        /** The plan cannot be expressed in the requested export (e.g. nothing is factorised). */
        NOT_EXPORTABLE
    }

    private final Kind kind;
    private final Path file;

    public PlanFileException(Path file, Kind kind, String problem) {
        this(file, kind, problem, null);
    }

    public PlanFileException(Path file, Kind kind, String problem, Throwable cause) {
        super(name(file) + ": " + problem, name(file) + ": " + problem, cause);
        this.kind = kind;
        this.file = file;
    }

    public Kind kind() {
        return kind;
    }

    /** The file involved, or null for in-memory text. */
    public Path file() {
        return file;
    }

    private static String name(Path file) {
        if (file == null) {
            return "<plan>";
        }
        Path fn = file.getFileName();
        return fn == null ? file.toString() : fn.toString();
    }
}
