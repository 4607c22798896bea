package dev.rankscope.engine;

/**
 * Root of Rankscope's domain exceptions. Every subclass carries a one-sentence message a
 * user can act on ({@link #userMessage()}), separate from the technical detail kept in
 * {@link #getMessage()} and the cause. Task boundaries (CLI commands, UI tasks) catch this
 * type, show {@link #userMessage()} and never a stack trace.
 */
public class RankscopeException extends RuntimeException {
    private final String userMessage;

    public RankscopeException(String userMessage) {
        this(userMessage, userMessage, null);
    }

    public RankscopeException(String userMessage, String detail, Throwable cause) {
        super(detail == null ? userMessage : detail, cause);
        this.userMessage = userMessage;
    }

    /** One clear sentence for the user, naming the file when one is involved. */
    public String userMessage() {
        return userMessage;
    }
}
