package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.RankscopeException;

/**
 * A rank allocation cannot be made as asked (SPEC §4): the budget is below what the constraints
 * allow, a strategy lacks an input it needs (e.g. power-law α), or the inputs disagree. The
 * message is one sentence a user can act on.
 */
public class AllocationException extends RankscopeException {
    public AllocationException(String userMessage) {
        super(userMessage);
    }
}
