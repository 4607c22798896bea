package dev.rankscope.runtime;

import dev.rankscope.engine.RankscopeException;

/**
 * A model folder, tokenizer or forward pass that cannot proceed: an unsupported architecture, a
 * missing file, weights that do not match the config, NaN/Inf in activations. The
 * {@link #userMessage()} is one sentence naming the folder, file, module or layer concerned.
 */
public class ModelRuntimeException extends RankscopeException {

    public ModelRuntimeException(String userMessage) {
        super(userMessage);
    }

    public ModelRuntimeException(String userMessage, Throwable cause) {
        super(userMessage, userMessage + (cause == null ? "" : " (" + cause + ")"), cause);
    }
}
