package dev.rankscope.application.model;

import dev.rankscope.engine.RankscopeException;

/**
 * Bad input to calibrate or evaluate (issue "Model in the loop" §6): an empty or non-UTF-8 text,
 * a text shorter than one window, statistics that do not fit the model, a plan for another
 * checkpoint. The message is the one line the CLI prints (exit 2) and the workbench shows.
 */
public class ModelInputException extends RankscopeException {
    public ModelInputException(String userMessage) {
        super(userMessage);
    }
}
