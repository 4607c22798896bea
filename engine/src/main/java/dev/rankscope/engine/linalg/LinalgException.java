package dev.rankscope.engine.linalg;

import dev.rankscope.engine.RankscopeException;

/**
 * A linear-algebra computation failed: LAPACK returned {@code info ≠ 0}, the input held
 * NaN/Inf, or the matrix is too large for memory. Carries a user sentence and the technical
 * detail (routine and info code).
 */
public class LinalgException extends RankscopeException {
    public LinalgException(String userMessage, String detail) {
        super(userMessage, detail, null);
    }

    public LinalgException(String userMessage, String detail, Throwable cause) {
        super(userMessage, detail, cause);
    }
}
