package dev.rankscope.engine.tensor;

import dev.rankscope.engine.RankscopeException;

import java.nio.file.Path;

/**
 * A checkpoint file is malformed, truncated, unsafe or unsupported. The user message always
 * names the file and the problem: {@code "model.safetensors: header length 2^40 exceeds the
 * file size (72 bytes)"}. {@link #category()} lets tests and the UI tell kinds of problem
 * apart without parsing prose.
 */
public class CheckpointFormatException extends RankscopeException {

    /** Kinds of problem, stable for tests and for the malformed-file corpus. */
    public enum Category {
        /** File ends before a declared structure does. */
        TRUNCATED,
        /** Header or structure is syntactically invalid (bad JSON, bad magic, bad varint...). */
        MALFORMED_HEADER,
        /** Offsets overlap, leave holes, or point outside the file. */
        BAD_OFFSETS,
        /** Declared sizes disagree (dtype × shape vs bytes, negative or overflowing dims). */
        SIZE_MISMATCH,
        /** A dtype, version or feature we do not support. */
        UNSUPPORTED,
        /** The file would execute code (pickle globals) or escapes its container (path traversal). */
        UNSAFE,
        /** A declared size exceeds a resource limit (header > 100 MB, zip bomb, absurd counts). */
        TOO_LARGE,
        /** Two tensors with the same name. */
        DUPLICATE_NAME,
        /** Not a checkpoint format Rankscope recognises. */
        UNKNOWN_FORMAT,
        /** The file or folder cannot be read at all. */
        IO,
        /** The file changed (rewritten or replaced) after it was opened, while it was being read. */
        CHANGED
    }

    private final Path file;
    private final Category category;

    public CheckpointFormatException(Path file, Category category, String problem) {
        this(file, category, problem, null);
    }

    public CheckpointFormatException(Path file, Category category, String problem, Throwable cause) {
        super(name(file) + ": " + problem, name(file) + ": " + problem, cause);
        this.file = file;
        this.category = category;
    }

    public Path file() {
        return file;
    }

    public Category category() {
        return category;
    }

    private static String name(Path file) {
        if (file == null) {
            return "<input>";
        }
        Path fn = file.getFileName();
        return fn == null ? file.toString() : fn.toString();
    }
}
